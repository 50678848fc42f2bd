import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressBar } from './progress-bar.ts';

function stream(tty: boolean) {
  const s = new PassThrough() as PassThrough & Record<string, unknown>;
  let text = '';
  s.on('data', (c: Buffer) => {
    text += c.toString();
  });
  s.isTTY = tty;
  s.columns = 120;
  // the terminal calls cli-progress makes on a TTY
  s.cursorTo = (_x: number, _y?: number, cb?: () => void) => (cb?.(), true);
  s.clearLine = (_d: number, cb?: () => void) => (cb?.(), true);
  s.clearScreenDown = (cb?: () => void) => (cb?.(), true);
  s.moveCursor = (_x: number, _y: number, cb?: () => void) => (cb?.(), true);
  return { s: s as unknown as NodeJS.WriteStream, text: () => text };
}

describe('progressBar', () => {
  it('draws nothing off a terminal (CI logs stay quiet)', () => {
    const { s, text } = stream(false);
    const bar = progressBar(s);
    bar.report('standardize', 2_000, 10_000);
    bar.report('Person: score pairs', 5, 10);
    bar.stop();
    expect(text()).toBe('');
  });
  it('shows the stage, units done and total on a terminal', () => {
    const { s, text } = stream(true);
    const bar = progressBar(s);
    bar.report('standardize', 2_000, 10_000);
    bar.report('standardize', 10_000, 10_000);
    bar.report('Person: score pairs', 3, 7);
    bar.stop();
    expect(text()).toContain('standardize');
    expect(text()).toContain('10000/10000');
    expect(text()).toContain('Person: score pairs');
    expect(text()).toContain('3/7');
    expect(text()).toMatch(/ETA/);
  });
});
