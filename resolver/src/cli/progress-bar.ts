/**
 * Progress of long CLI work on a terminal (cli-progress): one bar per stage with units done,
 * units per second and the time left. Off the terminal (CI logs, pipes) it draws nothing.
 */
import cliProgress from 'cli-progress';
import type { ProgressFn } from '../types.ts';

export interface ProgressBar {
  /** pass as `onProgress` to the stages */
  report: ProgressFn;
  /** ends the current bar (call before printing a summary) */
  stop(): void;
}

/**
 * @param stream where to draw (default stderr, so stdout stays the command's output)
 * @example const bar = progressBar(); resolveBatch(mentions, { onProgress: bar.report }); bar.stop();
 */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!stream.isTTY) return { report: () => {}, stop: () => {} };
  let stage: string | undefined;
  let bar: cliProgress.SingleBar | undefined;
  let started = 0;
  const stop = () => {
    bar?.stop();
    bar = undefined;
    stage = undefined;
  };
  const report: ProgressFn = (s, done, total) => {
    if (s !== stage) {
      stop();
      stage = s;
      started = performance.now();
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: '{stage} [{bar}] {value}/{total} {rate}/s ETA {eta_formatted}',
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, done, { stage: s, rate: '-' });
    }
    const secs = (performance.now() - started) / 1000;
    bar!.setTotal(total);
    bar!.update(done, { rate: secs > 0 ? Math.round(done / secs).toLocaleString('en-US') : '-' });
  };
  return { report, stop };
}
