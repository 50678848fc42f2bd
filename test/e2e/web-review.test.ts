/**
 * The analyst's review queue (疑似匹配审核) end to end: the pipeline's possible matches listed,
 * a pair side by side with its explanation as a waterfall, a merge that asks for its own purpose
 * and is audited with it, and its undo; entities for a free comparison are picked by search.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebFixture, type WebFixture } from '../helpers/web-app.ts';
import { login, openPage, shot } from '../helpers/web-browser.ts';
import { WEB_PASSWORD, WEB_USERS } from '../helpers/web-seed.ts';
import { auditedWithCase, phoneSharers, possibleMatchesBetween, redirectOf } from '../helpers/web-subjects.ts';

let fx: WebFixture;
/** Case numbers unique to this run: the audit trail outlives a run in the shared test graph. */
const RUN = String(Date.now()).slice(-8);

beforeAll(async () => {
  fx = await startWebFixture(console.log);
});
afterAll(async () => {
  await fx?.close();
});

async function answerPurpose(page: Page, caseNumber: string, text: string) {
  await page.waitForSelector('[data-testid=purpose-prompt]');
  await page.selectOption('[data-testid=purpose-prompt] select', 'pk.investigation_lead');
  await page.fill('[data-testid=purpose-prompt] input[name=purpose-case]', caseNumber);
  await page.fill('[data-testid=purpose-prompt] textarea', text);
  await page.click('[data-testid=purpose-prompt] button[type=submit]');
}

describe('web: review queue', () => {
  it('lists a real possible match from the pipeline, explains it as a waterfall, and a merge asks for its own purpose, is audited with it and can be undone', async () => {
    const w = await openPage(fx.browser, fx.server.url);
    await login(w.page, WEB_USERS.analyst.username, WEB_PASSWORD);
    await w.page.goto(`${fx.server.url}#/review`);
    await answerPurpose(w.page, `Q${RUN}01`, '疑似匹配日常审核');
    await w.page.waitForSelector('[data-testid=matches] tr[data-match]', { timeout: 60_000 });

    // The first row is a pair the pipeline really left for review.
    const row = w.page.locator('[data-testid=matches] tr[data-match]').first();
    const eids = await row.locator('td .muted.mono').allTextContents();
    expect(eids).toHaveLength(2);
    const [left = '', right = ''] = eids.map((x) => x.trim());
    expect(await possibleMatchesBetween(fx.graph, left, right)).toBeGreaterThan(0);

    // Side by side with the waterfall: a prior, at least one comparison, the final bar.
    await row.click();
    await w.page.waitForSelector('[data-testid=side-by-side] tbody tr');
    await w.page.waitForSelector('[data-testid=waterfall]');
    const steps = await w.page.locator('[data-testid=waterfall] g[data-step]').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-step')));
    expect(steps[0]).toBe('prior');
    expect(steps[steps.length - 1]).toBe('final');
    expect(steps.length).toBeGreaterThanOrEqual(3);
    await shot(w.page, 'analyst-review-queue');

    // The merge asks for its purpose again although the session already has one.
    await w.page.fill('[data-testid=match-detail] input[name=reason]', '同一人：证件号与电话一致');
    await w.page.click('[data-testid=match-detail] [data-testid=merge]');
    await answerPurpose(w.page, `M${RUN}02`, '合并疑似重复档案');
    await w.page.waitForSelector('[data-testid=decision-done]');
    expect(await redirectOf(fx.graph, right)).toBe(left);
    const merges = await auditedWithCase(fx.graph, '/api/resolution/merge', `M${RUN}02`);
    // written ahead (its intent entry, before the merge ran), then answered
    expect(merges.map((m) => m.outcome)).toEqual(['intent', 'allowed']);
    // …and the queue's own purpose was not reused for it.
    expect(await auditedWithCase(fx.graph, '/api/resolution/merge', `Q${RUN}01`)).toEqual([]);

    // Undo (again with its purpose) brings the merged entity back.
    await w.page.click('[data-testid=undo]');
    await answerPurpose(w.page, `M${RUN}02`, '撤销误合并');
    await w.page.waitForFunction(() => document.querySelector('[data-testid=decision-done]')?.textContent?.includes('已撤销'));
    expect(await redirectOf(fx.graph, right)).toBeNull();
    await w.context.close();
  });

  it('two entities are picked by search, not by typing raw eids, and shown side by side', async () => {
    const s = await phoneSharers(fx.graph);
    const w = await openPage(fx.browser, fx.server.url);
    await login(w.page, WEB_USERS.analyst.username, WEB_PASSWORD);
    await w.page.goto(`${fx.server.url}#/review`);
    await answerPurpose(w.page, 'A6201022026039003', '共用电话核查');
    await w.page.fill('[data-testid=pair-pick-a] input', s.a.residentId);
    await w.page.click('[data-testid=pair-pick-a] button[type=submit]');
    await w.page.click(`[data-testid=pair-pick-a] [data-eid="${s.a.eid}"]`);
    await w.page.fill('[data-testid=pair-pick-b] input', s.b.residentId);
    await w.page.click('[data-testid=pair-pick-b] button[type=submit]');
    await w.page.click(`[data-testid=pair-pick-b] [data-eid="${s.b.eid}"]`);
    await w.page.waitForSelector('[data-testid=pair-check] [data-testid=side-by-side] tbody tr');
    const head = await w.page.textContent('[data-testid=pair-check] [data-testid=side-by-side] thead');
    expect(head).toContain(s.a.eid);
    expect(head).toContain(s.b.eid);
    expect(await w.page.locator('[data-testid=pair-check] input[placeholder="eid A"]').count()).toBe(0);
    await shot(w.page, 'analyst-review');
    await w.context.close();
  });
});
