// The trace panel's question card (ask mode), in Chromium: the page (dist/webview.js and .css,
// as the webview loads them) gets the messages the host would send through a stand-in for
// `acquireVsCodeApi`: a run in ask mode, a row, then a question. The card must show the call,
// the policy's action and deciding line (a link that asks the host to reveal it), the arguments
// the decision depends on, and the four answers as buttons reachable from the keyboard; an
// answer goes to the host once, and the card goes when the host says the question is closed or
// the run ends. The question is kept in the page's state (the serializer's snapshot).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPanelPage, usePanelPage, type Page } from './webviewPage';

// The functions passed to page.evaluate run in the page; the project's types are Node's, without the DOM.
declare const window: any;
declare const document: any;

usePanelPage();

const posted = (page: Page) => page.evaluate(() => (window as { posted: { type: string }[] }).posted.slice(), undefined) as Promise<Array<Record<string, unknown>>>;

test('ask mode: the question card shows the call and its rule, answers once, and goes when closed', { timeout: 120_000 }, async (t) => {
  const page = await openPanelPage(t);
  if (!page) return;

  await page.evaluate(() => {
    const header = { runId: 'r1', policyUri: 'file:///w/p.seccomp', policyLabel: 'p.seccomp', argv: ['ask-prog', 'd'], mode: 'enforce', ask: true, startedAt: 0 };
    window.postMessage({ type: 'reset', header, maxRows: 1000 }, '*');
    const location = { uri: 'file:///w/p.seccomp', range: { start: { line: 2, character: 0 }, end: { line: 2, character: 40 } } };
    const shapes = [{ syscall: 'getpid', abi: 'x86_64', action: 'allow', kind: 'allow', where: 'p.seccomp:2', location, applied: 'enforced' }];
    window.postMessage({ type: 'events', runId: 'r1', rows: [{ shapes, seq: [0], pid: [7], time: [1], shape: [0], text: ['getpid() = ? (answered: allow once; the policy says kill_process)'], failed: [], args: {} }] }, '*');
    window.postMessage({ type: 'ask', question: {
      runId: 'r1', questionId: '2', pid: 7, syscall: 'mkdirat', abi: 'x86_64', call: 'mkdirat(dirfd=-100, pathname=0x7ffd1000, mode=0o755)',
      action: 'errno(EACCES)', where: 'p.seccomp:3', location, decidedOn: [{ name: 'mode', value: '0o755' }],
    } }, '*');
  }, undefined);
  await page.waitForFunction(() => { const c = document.querySelector('.question'); return c && !c.hidden && /mkdirat/.test(c.textContent); }, undefined, { timeout: 10_000 });

  const card = await page.evaluate(() => {
    const c = document.querySelector('.question');
    return {
      text: c.textContent as string,
      call: c.querySelector('.call')?.textContent as string,
      where: c.querySelector('button.where')?.textContent as string,
      buttons: [...c.querySelectorAll('.answers button')].map((b: any) => ({ label: b.textContent, tag: b.tagName, disabled: b.disabled })),
      status: document.querySelector('.status')?.textContent as string,
    };
  }, undefined);
  assert.equal(card.call, 'mkdirat(dirfd=-100, pathname=0x7ffd1000, mode=0o755)');
  assert.match(card.text, /the policy says errno\(EACCES\) at p\.seccomp:3/);
  assert.match(card.text, /Decided on mode = 0o755/);
  assert.equal(card.where, 'p.seccomp:3');
  assert.deepEqual(card.buttons.map((b) => b.label), ['Allow once', 'Allow always', 'Deny (EPERM)', 'Kill']);
  assert.ok(card.buttons.every((b) => b.tag === 'BUTTON' && !b.disabled), 'real, enabled buttons: keyboard reachable');
  assert.match(card.status, /p\.seccomp · ask/);

  // The deciding line is a link: the host is asked to reveal it.
  await page.evaluate(() => document.querySelector('.question button.where').click(), undefined);
  const reveal = (await posted(page)).find((m) => m.type === 'reveal') as { location?: { range: { start: { line: number } } } } | undefined;
  assert.equal(reveal?.location?.range.start.line, 2);

  // The keyboard: from the link, Tab reaches the answers in order; Enter on Deny answers.
  await page.evaluate(() => document.querySelector('.question button.where').focus(), undefined);
  const focused: string[] = [];
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('Tab');
    focused.push(await page.evaluate(() => document.activeElement?.textContent as string, undefined));
  }
  assert.deepEqual(focused, ['Allow once', 'Allow always', 'Deny (EPERM)']);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => (window as { posted: { type: string }[] }).posted.some((m) => m.type === 'answer'), undefined, { timeout: 10_000 });
  // A second click while the answer is on its way sends nothing more.
  await page.evaluate(() => document.querySelector('.question .answer-kill').click(), undefined);
  const answers = (await posted(page)).filter((m) => m.type === 'answer');
  assert.deepEqual(answers, [{ type: 'answer', questionId: '2', answer: 'deny' }]);

  // The question is kept in the page's state for the serializer while it is open.
  await page.waitForFunction(() => (window as { state?: { snapshot?: { question?: { questionId: string } } } }).state?.snapshot?.question?.questionId === '2', undefined, { timeout: 10_000 });

  // The host says it is closed: the card goes.
  await page.evaluate(() => window.postMessage({ type: 'asked', questionId: '2' }, '*'), undefined);
  await page.waitForFunction(() => document.querySelector('.question')?.hidden === true, undefined, { timeout: 10_000 });

  // A refused answer (the run went away) leaves a message instead of the card.
  await page.evaluate(() => {
    window.postMessage({ type: 'ask', question: { runId: 'r1', questionId: '3', pid: 7, syscall: 'uname', call: 'uname(buf=0x7ffd2000)', action: 'kill_process', where: 'p.seccomp:4', decidedOn: [] } }, '*');
  }, undefined);
  await page.waitForFunction(() => /uname/.test(document.querySelector('.question')?.textContent ?? '') && /syscall alone/.test(document.querySelector('.question')?.textContent ?? ''), undefined, { timeout: 10_000 });
  assert.equal(await page.evaluate(() => document.querySelector('.question button.where').disabled, undefined), true, 'no location: the link is off');
  await page.evaluate(() => window.postMessage({ type: 'asked', questionId: '3', message: 'This question is no longer open.' }, '*'), undefined);
  await page.waitForFunction(() => /no longer open/.test(document.querySelector('.question')?.textContent ?? '') && !document.querySelector('.question .answers'), undefined, { timeout: 10_000 });

  // The run ends with a question open: the card goes.
  await page.evaluate(() => {
    window.postMessage({ type: 'ask', question: { runId: 'r1', questionId: '4', pid: 7, syscall: 'getpid', call: 'getpid()', action: 'kill_process', where: 'p.seccomp:4', decidedOn: [] } }, '*');
  }, undefined);
  await page.waitForFunction(() => document.querySelector('.question')?.hidden === false && /getpid\(\)/.test(document.querySelector('.question .call')?.textContent ?? ''), undefined, { timeout: 10_000 });
  await page.evaluate(() => window.postMessage({ type: 'finished', finished: { runId: 'r1', status: 137, sentence: 'stopped from the editor; the program was killed', summary: [], coverage: [], syscalls: 0 } }, '*'), undefined);
  await page.waitForFunction(() => document.querySelector('.question')?.hidden === true, undefined, { timeout: 10_000 });
  // A question for another run is not shown.
  await page.evaluate(() => {
    window.postMessage({ type: 'ask', question: { runId: 'r0', questionId: '9', pid: 7, syscall: 'getpid', call: 'getpid()', action: 'kill_process', where: 'p.seccomp:4', decidedOn: [] } }, '*');
  }, undefined);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await page.evaluate(() => document.querySelector('.question')?.hidden, undefined), true);
});
