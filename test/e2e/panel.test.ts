// The trace panel's page under a million events, in Chromium: the page
// (dist/webview.js and .css, as the webview loads them) gets the messages
// the host would send — 500 batches of 2,000 rows — through a stand-in for
// `acquireVsCodeApi`. It must keep a bounded number of row elements
// (virtualised), keep only the last 100,000 rows with a visible marker for
// the rest, count all of them, filter, and still answer. No timing is
// asserted; a frozen page fails by the test's time limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPanelPage, usePanelPage } from './webviewPage';

// The functions passed to page.evaluate run in the page; the project's types are Node's, without the DOM.
declare const window: any;
declare const document: any;

usePanelPage();

test('the trace panel page stays bounded and usable with 1,000,000 events', { timeout: 240_000 }, async (t) => {
  const page = await openPanelPage(t);
  if (!page) return;

  // What the host sends: a reset, then batches of rows (one denied row in a thousand), then the end.
  await page.evaluate(async () => {
    const header = { runId: 'r1', policyUri: 'file:///w/p.seccomp', policyLabel: 'p.seccomp', argv: ['load'], mode: 'enforce', startedAt: 0 };
    window.postMessage({ type: 'reset', header, maxRows: 100_000 }, '*');
    const location = { uri: 'file:///w/p.seccomp', range: { start: { line: 4, character: 0 }, end: { line: 4, character: 12 } } };
    // Batches in columns, as the host forwards them (server/src/lsp/rowColumns.ts): shape 0 allowed, shape 1 denied.
    const shapes = [
      { syscall: 'getpid', abi: 'x86_64', action: 'allow', kind: 'allow', where: 'p.seccomp:5', location, applied: 'enforced' },
      { syscall: 'openat', abi: 'x86_64', action: 'errno(EPERM)', kind: 'errno', where: 'p.seccomp:2 (default)', location, applied: 'enforced' },
    ];
    for (let b = 0; b < 500; b++) {
      const c = { shapes, seq: [] as number[], pid: [] as number[], time: [] as number[], shape: [] as number[], text: [] as string[], failed: [] as number[], args: {} as Record<number, string[]> };
      for (let i = 0; i < 2000; i++) {
        const seq = b * 2000 + i;
        const denied = seq % 1000 === 999;
        c.seq.push(seq); c.pid.push(1000 + (seq % 3)); c.time.push(seq / 100); c.shape.push(denied ? 1 : 0);
        c.text.push(denied ? 'openat(AT_FDCWD, "/etc/shadow", O_RDONLY) = -1 EPERM (Operation not permitted)' : `getpid() = ${1000 + (seq % 3)}`);
        if (denied) { c.failed.push(i); c.args[i] = ['0xffffff9c', '0x1000', '0x0', '0x0', '0x0', '0x0']; }
      }
      window.postMessage({ type: 'events', runId: 'r1', rows: [c], stdout: b % 50 === 0 ? `batch ${b}\n` : '' }, '*');
      // Let the page take its messages and frames as a real webview would.
      if (b % 10 === 9) await new Promise((r) => setTimeout(r, 0));
    }
    window.postMessage({ type: 'finished', finished: { runId: 'r1', status: 0, sentence: 'exited with status 0; 1000 syscalls were denied', summary: [], coverage: [], syscalls: 1_000_000 } }, '*');
  }, undefined);

  await page.waitForFunction(() => /1,000,000 syscalls/.test(document.querySelector('.status')?.textContent ?? ''), undefined, { timeout: 120_000 });
  await page.waitForFunction(() => /exited with status 0/.test(document.querySelector('.verdict')?.textContent ?? ''), undefined, { timeout: 30_000 });

  const rendered = await page.locator('.rows .row').count();
  assert.ok(rendered > 10 && rendered < 300, `row elements in the DOM: ${rendered} (virtualised)`);
  // A rule of the policy that ran is shown by its line (the file is named in the header); the title names it in full.
  const where = page.locator('.rows .row:not(.marker) .where').first();
  assert.match(await where.innerText(), /^line \d+( \(default\))?$/);
  assert.match(await where.getAttribute('title') ?? '', /p\.seccomp:\d+/);

  // Scroll to the top: the marker says what was dropped.
  await page.evaluate(() => {
    const list = document.querySelector('.rows');
    list.scrollTop = 0;
    list.dispatchEvent(new Event('scroll'));
  }, undefined);
  await page.waitForFunction(() => /900,000 older rows dropped/.test(document.querySelector('.rows .row.marker')?.textContent ?? ''), undefined, { timeout: 10_000 });

  // Filter by decision: only the kept denied rows (one in a thousand of the last 100,000).
  await page.locator('select.filter-decision').selectOption('denied');
  await page.waitForFunction(() => /100 of 100,000 shown/.test(document.querySelector('.counter')?.textContent ?? ''), undefined, { timeout: 10_000 });
  const deniedText = await page.locator('.rows .row.denied').first().innerText();
  assert.match(deniedText, /openat/);

  // The summary counted every row, dropped or not.
  const summary = await page.evaluate(() => document.querySelector('.summary')?.textContent ?? '', undefined);
  assert.match(summary, /openat\s*1000/);
  assert.match(summary, /getpid\s*999000/);

  // And the page answers: clicking a row asks the host to reveal its rule.
  await page.evaluate(() => document.querySelector('.rows .row.denied .decision').click(), undefined);
  const posted = await page.evaluate(() => (window as unknown as { posted: { type: string }[] }).posted.map((m) => m.type), undefined);
  assert.ok(posted.includes('reveal'), posted.join(', '));
});
