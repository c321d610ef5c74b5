#!/usr/bin/env node
// The real-VS-Code end-to-end test, offline: code-server 4.100.3 (VS Code
// 1.100.3) serves the workbench on a loopback port, Debian's Chromium shows
// it, driven by playwright-core. Two phases:
//
//   1. suite: the workbench URL carries extensionDevelopmentPath (this
//      repository) and extensionTestsPath (test/e2e/out/suite/index.js), so
//      the remote extension host loads the extension for development and runs
//      the mocha suite (test/e2e/suite/*.spec.ts); the workbench reports the
//      result through window.codeAutomationExit.
//   2. ui: a fresh workbench with the extension; a user's steps: open a
//      policy (highlighting, language mode), open one with a misspelt
//      syscall, show the Problems panel, hover the squiggle, hover a syscall.
//      Screenshots go to test/e2e/artifacts/; with UPDATE_SCREENSHOTS=1 the
//      syscall hover is also copied to docs/images/hover.png for the README
//      (not by default, so a test run never changes tracked files).
//   3. trace: a newcomer's first minute, on a copy of examples/: the
//      walkthrough's first step opens list-directory.seccomp; press Run in the editor title, type `ls`, see
//      rows stream into the trace panel and the kill row, click it and land
//      on the rule, press "Allow this syscall", re-run and see `ls` succeed,
//      re-run permissive, and see the coverage in the editor. With
//      UPDATE_SCREENSHOTS=1 the panel (kill row selected, its rule shown)
//      is copied to docs/images/trace-panel.png.
//
//   5. ask: ask mode, on a copy of examples/: open list-directory.seccomp, run
//      "Seccomp Policy: Run in Ask Mode…" with `ls`, see the question card for
//      getdents64 (the policy's kill_process and its line), follow its link to
//      the line, press "Deny (EPERM)", and see `ls` fail with EPERM, the card
//      gone and the denied row in the panel; re-run, answer "Allow always" and
//      see the rule in the editor (unsaved) and `ls` succeed.
//
// Prerequisites: `bash test/e2e/setup.sh` and `node scripts/build.mjs`.
//   4. restricted (only when asked for: its own code-server, with workspace
//      trust on): the folder opens in Restricted Mode; checking and compiling
//      work, running is disabled and the language status says why.
//
// Usage: node test/e2e/run.mjs [--phase suite|ui|trace|ask|restricted|all] [--headed] [--vsix FILE]
// Exit code 0 when every phase passed. code-server runs in its own process
// group (setsid) and the whole group is killed on every way out.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { buildSuite } from './build-suite.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const artifacts = join(here, 'artifacts');
const workspace = join(here, 'fixtures', 'workspace');
const codeServerBin = join(here, 'node_modules', '.bin', 'code-server');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const started = Date.now();

const args = process.argv.slice(2);
const phaseArg = args.includes('--phase') ? args[args.indexOf('--phase') + 1] : 'all';
const headed = args.includes('--headed');
// --vsix FILE: install that package into code-server first; the trace phase then
// uses the installed extension (what a user installs), not the development one.
const vsix = args.includes('--vsix') ? resolve(args[args.indexOf('--vsix') + 1]) : undefined;
// restricted: a code-server of its own with workspace trust on, the folder not trusted (Restricted Mode).
const restricted = phaseArg === 'restricted';
if (!['suite', 'ui', 'trace', 'ask', 'restricted', 'all'].includes(phaseArg)) {
  console.error('usage: node test/e2e/run.mjs [--phase suite|ui|trace|ask|restricted|all] [--headed] [--vsix FILE]');
  process.exit(2);
}
const SUITE_TIMEOUT_MS = 120_000;
const UI_TIMEOUT_MS = 60_000;
const TRACE_TIMEOUT_MS = 120_000;

function log(msg) {
  const line = `[e2e ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${msg}`;
  console.log(line);
  appendFileSync(join(artifacts, 'run.log'), line + '\n');
}
function fail(msg) {
  console.error(`[e2e] ERROR: ${msg}`);
  process.exit(1);
}

// ---- prerequisites ----------------------------------------------------------
if (!existsSync(codeServerBin)) fail(`${codeServerBin} is missing: run \`bash test/e2e/setup.sh\` first`);
if (!existsSync(chromiumPath)) fail(`${chromiumPath} is missing: run \`bash test/e2e/setup.sh\` (apt-get install chromium)`);
for (const f of ['dist/extension.js', 'dist/server.js']) {
  if (!existsSync(join(root, f))) fail(`${f} is missing: run \`node scripts/build.mjs\` first`);
}
const require = createRequire(join(here, 'package.json'));
const { chromium } = require('playwright-core');

// The restricted phase runs after the others in a second invocation: it adds to their artifacts.
if (!restricted) rmSync(artifacts, { recursive: true, force: true });
mkdirSync(artifacts, { recursive: true });

const testsEntry = await buildSuite();
log(`suite compiled: ${testsEntry}`);

// ---- code-server ----------------------------------------------------------------
const tmp = mkdtempSync(join(tmpdir(), 'seccomp-e2e-'));
const userData = join(tmp, 'data');
// The trace phase edits a policy (in its buffer): give it a copy of examples/.
const examples = join(tmp, 'examples');
cpSync(join(root, 'examples'), examples, { recursive: true });
mkdirSync(join(userData, 'User'), { recursive: true });
writeFileSync(join(tmp, 'config.yaml'), ''); // else it writes ~/.config/code-server/config.yaml
writeFileSync(
  join(userData, 'User', 'settings.json'),
  JSON.stringify(
    {
      'workbench.startupEditor': 'none',
      'workbench.welcomePage.walkthroughs.openOnInstall': false,
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'chat.commandCenter.enabled': false,
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'extensions.ignoreRecommendations': true,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'security.workspace.trust.enabled': restricted,
      // Untrusted without the modal question: the folder opens in Restricted Mode.
      'security.workspace.trust.startupPrompt': 'never',
      'window.restoreWindows': 'none',
      'files.hotExit': 'off',
      'files.autoSave': 'off',
      'editor.minimap.enabled': false,
      'editor.fontSize': 15,
      'git.enabled': false,
      'git.openRepositoryInParentFolders': 'never',
    },
    null,
    2,
  ),
);

// Keep code-server's logs and heartbeat, VS Code's device id and Chromium's
// crash database in the temporary folder rather than in $HOME.
const xdg = {
  XDG_CONFIG_HOME: join(tmp, 'xdg', 'config'),
  XDG_DATA_HOME: join(tmp, 'xdg', 'data'),
  XDG_CACHE_HOME: join(tmp, 'xdg', 'cache'),
  XDG_STATE_HOME: join(tmp, 'xdg', 'state'),
};

async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

if (vsix) {
  const inst = spawnSync(codeServerBin, ['--config', join(tmp, 'config.yaml'), '--user-data-dir', userData,
    '--extensions-dir', join(tmp, 'ext'), '--install-extension', vsix], { encoding: 'utf8', env: { ...process.env, ...xdg } });
  if (inst.status !== 0) {
    log(`FAILED: code-server --install-extension ${vsix} exited ${inst.status}:\n${inst.stdout}${inst.stderr}`);
    process.exit(1);
  }
  log(`installed ${vsix}: ${inst.stdout.trim().split('\n').at(-1)}`);
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const csLog = openSync(join(artifacts, 'code-server.log'), 'a');
const cs = spawn(
  codeServerBin,
  [
    '--config', join(tmp, 'config.yaml'),
    '--user-data-dir', userData,
    '--extensions-dir', join(tmp, 'ext'),
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(restricted ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    workspace,
  ],
  // detached: setsid(), so code-server and everything it starts (extension
  // host, language server, file watcher) form one process group to kill.
  { detached: true, stdio: ['ignore', csLog, csLog], env: { ...process.env, ...xdg } },
);
const pgid = cs.pid;
writeFileSync(join(artifacts, 'code-server.pgid'), `${pgid}\n`);
log(`code-server pid/pgid ${pgid} on ${base}`);
let csExited = false;
cs.on('exit', (code, sig) => {
  csExited = true;
  log(`code-server exited (${code ?? sig})`);
});

function killGroup(signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}
let cleanedUp = false;
function cleanupSync() {
  if (cleanedUp) return;
  cleanedUp = true;
  killGroup('SIGTERM');
  // Give it a moment, then make sure (the file watcher may ignore SIGTERM).
  const until = Date.now() + 1500;
  while (Date.now() < until && killGroup(0)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  killGroup('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
}
process.on('exit', cleanupSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => process.exit(130));

async function waitHealthy(timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (csExited) throw new Error('code-server exited while starting; see test/e2e/artifacts/code-server.log');
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${base}/healthz within ${timeoutMs} ms`);
}

function workbenchUrl(withTests, folder = workspace, development = true) {
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ...(development ? [['extensionDevelopmentPath', remote(root)]] : []),
    ['skipWelcome', 'true'],
  ];
  if (withTests) payload.push(['extensionTestsPath', remote(testsEntry)]);
  return `${base}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([
    promise,
    new Promise((_, rej) => {
      t = setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

// ---- phase 1: the mocha suite in the extension host ----------------------------
// Workbench chatter that is not the suite's report (all of it is in suite.log).
const NOISE = /open-vsx\.org|workbench\.js:\d+|Creating a socket|connection token|ChatSessionStore|\[Service Worker\]|additional builtin extensions/;
async function runSuite(context) {
  const page = await context.newPage();
  const consoleLog = join(artifacts, 'suite-console.log');
  page.on('console', (m) => appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => appendFileSync(consoleLog, `[pageerror] ${e.message}\n`));
  let exited;
  const exitCode = new Promise((res) => (exited = res));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    // The extension host's console, forwarded by the workbench: mocha's report.
    const text = Array.isArray(args) ? format(...args) : String(args);
    appendFileSync(join(artifacts, 'suite.log'), `[${type}] ${text}\n`);
    for (const line of text.split('\n')) if (!NOISE.test(line)) console.log(`  | ${line}`);
  });
  await page.exposeFunction('codeAutomationExit', (code) => exited(Number(code)));
  log('phase suite: loading the workbench with the extension and the test suite');
  await page.goto(workbenchUrl(true));
  const code = await withTimeout(exitCode, SUITE_TIMEOUT_MS, 'the extension-host test suite to finish');
  await page.screenshot({ path: join(artifacts, 'suite-end.png') }).catch(() => {});
  log(`phase suite: the workbench reported exit code ${code}`);
  await page.close().catch(() => {});
  return code === 0;
}

// ---- phase 2: a user's steps in the UI -----------------------------------------------
async function openFile(page, name) {
  await page.locator('.monaco-workbench').click({ position: { x: 600, y: 300 }, force: true }).catch(() => {});
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(name);
  // Wait until the filtered list has focused the file: pressing Enter while
  // the list still shows recently opened files would open another one.
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab.active`, { hasText: name }).waitFor({ timeout: 15_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
}

async function openFromExplorer(page, name) {
  const item = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  await item.waitFor({ timeout: 30_000 });
  await item.click();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
}

async function runUi(context) {
  const page = await context.newPage();
  const consoleLog = join(artifacts, 'ui-console.log');
  page.on('console', (m) => appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`));
  const checks = [];
  const check = (name, ok, detail = '') => {
    checks.push({ name, ok, detail });
    log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
    if (!ok) throw new Error(`UI check failed: ${name} ${detail}`);
  };
  log('phase ui: loading the workbench with the extension');
  await page.goto(workbenchUrl(false));
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 30_000 }).catch(() => {});

  // 1. A policy: highlighted by the grammar, language mode "Seccomp Policy".
  await openFile(page, 'policy.seccomp');
  const mode = page.locator('[id="status.editor.mode"]');
  await mode.filter({ hasText: 'Seccomp Policy' }).waitFor({ timeout: 15_000 });
  check('status bar shows the language mode', true, (await mode.innerText()).trim());
  // The grammar gives tokens of many kinds; Monaco renders each colour as an mtkN class.
  const colours = await page.waitForFunction(
    () => {
      const spans = document.querySelectorAll('.editor-instance .monaco-editor .view-lines span[class^="mtk"]');
      const set = new Set([...spans].map((s) => s.className));
      return set.size >= 6 ? set.size : false;
    },
    undefined,
    { timeout: 15_000 },
  );
  check('the grammar colours the policy', true, `${await colours.jsonValue()} distinct token colours`);
  await page.waitForTimeout(1500); // let the server's first diagnostics settle
  await page.screenshot({ path: join(artifacts, 'editor-highlighting.png') });

  // Hover a syscall: the server's documentation (signature, numbers per ABI, note, man page).
  // The code lens above line 1 moves every line down when it arrives: wait for it before aiming.
  await page.locator('.contentWidgets .codelens-decoration').first().waitFor({ timeout: 30_000 }).catch(() => {});
  const word = page.locator('.editor-instance .view-lines span', { hasText: /^openat$/ }).first();
  await word.waitFor({ timeout: 15_000 });
  const wordBox = await word.boundingBox();
  if (wordBox) {
    const syscallHover = page.locator('.monaco-hover', { hasText: 'int openat(' }).first();
    let shown = false;
    for (let attempt = 0; attempt < 3 && !shown; attempt++) {
      const box = (await word.boundingBox()) ?? wordBox;
      await page.mouse.move(5, 5);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      shown = await syscallHover.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false);
    }
    // On a loaded machine the mouse hover can give up before the server answers: ask for the
    // hover from the keyboard as well (cursor on the word, Ctrl+K Ctrl+I), as a user would.
    let how = 'mouse';
    if (!shown) {
      await word.click();
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      shown = await syscallHover.waitFor({ state: 'visible', timeout: 30_000 }).then(() => true, () => false);
      how = 'keyboard';
    }
    check('hovering a syscall shows its documentation', shown, how);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(artifacts, 'hover.png') });
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      mkdirSync(join(root, 'docs', 'images'), { recursive: true });
      copyFileSync(join(artifacts, 'hover.png'), join(root, 'docs', 'images', 'hover.png'));
    }
    await page.mouse.move(5, 5);
  } else {
    check('hovering a syscall shows its documentation', false, 'the word has no box');
  }

  // 2. A misspelt syscall: a squiggle, an entry in the Problems panel, a hover.
  await openFile(page, 'misspelt.seccomp');
  const squiggle = page.locator('.editor-instance .monaco-editor .squiggly-error').first();
  await squiggle.waitFor({ state: 'attached', timeout: 30_000 });
  check('the misspelt syscall is underlined as an error', true);
  await page.keyboard.press('Control+Shift+M');
  const problems = page.locator('.markers-panel');
  await problems.waitFor({ state: 'visible', timeout: 15_000 });
  const row = problems.locator('.monaco-list-row', { hasText: 'opnat' }).first();
  await row.waitFor({ timeout: 30_000 });
  check('the Problems panel lists the diagnostic', true, (await row.innerText()).replace(/\s+/g, ' ').trim());
  await page.screenshot({ path: join(artifacts, 'problems-panel.png') });

  // Hover the squiggle: the diagnostic's message in a hover.
  const box = await squiggle.boundingBox();
  if (box) {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover', { hasText: 'opnat' }).first();
    const shown = await hover.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false);
    check('hovering the squiggle shows the message', shown);
    await page.screenshot({ path: join(artifacts, 'diagnostic-hover.png') });
  } else {
    check('hovering the squiggle shows the message', false, 'the squiggle has no box');
  }
  writeFileSync(join(artifacts, 'ui-checks.json'), JSON.stringify(checks, null, 2));
  await page.close().catch(() => {});
  return true;
}

// ---- phase 3: run a program, fix the policy from the panel, run again ----------------
async function runTrace(context) {
  const page = await context.newPage();
  const consoleLog = join(artifacts, 'trace-console.log');
  page.on('console', (m) => appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`));
  const check = (name, ok, detail = '') => {
    log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
    if (!ok) throw new Error(`trace check failed: ${name} ${detail}`);
  };
  const shot = (name) => page.screenshot({ path: join(artifacts, name) });
  // Wider than the other phases: the policy and the panel side by side, as in the README.
  await page.setViewportSize({ width: 1600, height: 900 });
  log(`phase trace: loading the workbench on a copy of examples/ with the ${vsix ? 'installed .vsix' : 'development extension'}`);
  await page.goto(workbenchUrl(false, examples, !vsix));
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // The walkthrough, as a newcomer meets it: its steps, and its first button opens the examples' policy.
  await page.keyboard.press('F1');
  const command = page.locator('.quick-input-widget input');
  await command.waitFor({ state: 'visible', timeout: 15_000 });
  await command.fill('>Welcome: Open Walkthrough');
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Open Walkthrough' }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  const walkthrough = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Run a program under a seccomp policy' }).first();
  await walkthrough.waitFor({ timeout: 15_000 });
  await walkthrough.click();
  const steps = page.locator('.gettingStartedContainer .getting-started-step');
  await steps.filter({ hasText: 'Open the examples' }).first().waitFor({ timeout: 30_000 });
  const stepTitles = (await page.locator('.gettingStartedContainer .getting-started-step .step-title').allInnerTexts()).map((t) => t.trim());
  check('the walkthrough shows its three steps', ['Open the examples', 'Run `ls` under the policy', 'Allow the syscall and run again'].every((t) => stepTitles.includes(t)), stepTitles.join(' | '));
  await page.locator('.gettingStartedContainer .getting-started-step.expanded .button-link, .gettingStartedContainer .getting-started-step.expanded a', { hasText: 'Open the examples' }).first().click();
  await page.locator('.tabs-container .tab.active', { hasText: 'list-directory.seccomp' }).waitFor({ timeout: 15_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
  check('the walkthrough\'s first step opens the examples\' policy', true);
  // Wait for the server: the code lens over the first line shows the filter's size.
  await page.locator('.contentWidgets .codelens-decoration', { hasText: 'instructions' }).first().waitFor({ timeout: 30_000 });

  // Run from the editor title, as a user would.
  const runButton = page.locator('.editor-actions .action-label[aria-label^="Test Run…"]').first();
  await runButton.waitFor({ timeout: 15_000 });
  check('the editor title has a Run button', true, await runButton.getAttribute('aria-label'));
  await runButton.click();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill('ls');
  await page.keyboard.press('Enter');

  const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  const rows = panel.locator('.rows .row');
  await rows.nth(5).waitFor({ timeout: 30_000 });
  check('rows appear in the trace panel', true, `${await rows.count()} rendered`);
  const fatal = panel.locator('.rows .row.fatal');
  await fatal.waitFor({ timeout: 30_000 });
  const verdict = (await panel.locator('.verdict').innerText()).trim();
  check('the kill row and the verdict are shown', /SIGSYS/.test(verdict) && /getdents64/.test(verdict), verdict);
  check('the kill row says which rule decided', /\bline 6\b/.test(await fatal.innerText()), (await fatal.innerText()).replace(/\s+/g, ' '));
  await shot('trace-killed.png');

  // Click the row: the policy editor shows the deciding line.
  await fatal.locator('.decision').click();
  const activeLine = page.locator('.editor-instance .margin .line-numbers.active-line-number').first();
  await page.waitForFunction(() => document.querySelector('.editor-instance .margin .line-numbers.active-line-number')?.textContent?.trim() === '6', undefined, { timeout: 15_000 });
  check('clicking the row lands on the rule', true, `line ${(await activeLine.innerText()).trim()}`);
  await shot('trace-rule.png');
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    // The README's picture: the kill row selected, its rule shown, the fixes offered.
    mkdirSync(join(root, 'docs', 'images'), { recursive: true });
    copyFileSync(join(artifacts, 'trace-rule.png'), join(root, 'docs', 'images', 'trace-panel.png'));
  }

  // Allow this syscall (offered for the selected denied row): a rule appears in the editor.
  await panel.locator('.detail button.allow').click();
  await page.locator('.editor-instance .view-lines', { hasText: 'getdents64' }).first().waitFor({ timeout: 15_000 });
  check('"Allow this syscall" adds the rule', true);

  // Re-run: ls succeeds.
  await panel.locator('button.rerun').click();
  await panel.locator('.verdict.success').waitFor({ timeout: 30_000 });
  const status = (await panel.locator('.status').innerText()).trim();
  check('the re-run succeeds', /exit status 0/.test(status), status);
  check('ls printed the folder', /list-directory\.seccomp/.test(await panel.locator('.output').innerText()));
  await shot('trace-success.png');

  // Coverage: the editor says how often each rule decided.
  // (The server's inlay hints: injected text, or CSS generated content.)
  const covered = await page.waitForFunction(() => {
    for (const el of document.querySelectorAll('.editor-instance .view-lines span')) {
      if (el.childElementCount === 0 && /decided/.test(el.textContent ?? '')) return el.textContent;
      for (const pseudo of ['::before', '::after']) {
        const content = getComputedStyle(el, pseudo).content;
        if (content && content.includes('decided')) return content;
      }
    }
    return false;
  }, undefined, { timeout: 15_000 });
  check('coverage shows in the editor', true, String(await covered.jsonValue()));

  // Toggle permissive: run again with nothing stopped.
  await panel.locator('button.mode').click();
  await panel.locator('.status', { hasText: 'permissive' }).waitFor({ timeout: 15_000 });
  await panel.locator('.verdict.success').waitFor({ timeout: 30_000 });
  check('the permissive re-run runs', true, (await panel.locator('.status').innerText()).trim());

  // Filter: only denied rows (none now), then back.
  await panel.locator('select.filter-decision').selectOption('allow');
  await panel.locator('.counter').waitFor({ timeout: 5_000 }).catch(() => {});
  check('filtering by decision keeps the allowed rows', (await rows.count()) > 0);
  await shot('trace-permissive.png');

  // Hidden and shown again: the page is rebuilt (no retainContextWhenHidden) and gets its rows and filter back.
  const traceTab = page.locator('.tabs-container .tab', { hasText: 'Seccomp Trace' });
  await traceTab.click();
  await openFromExplorer(page, 'strict.seccomp');
  await traceTab.click();
  await panel.locator('.verdict.success').waitFor({ timeout: 15_000 });
  await rows.nth(3).waitFor({ timeout: 15_000 });
  const restoredFilter = await panel.locator('select.filter-decision').inputValue();
  check('hidden and shown again, the panel keeps its rows and filter', restoredFilter === 'allow', `filter ${restoredFilter}, ${await rows.count()} rows rendered`);

  // A window reload: the serializer brings the panel back with the last trace.
  await page.keyboard.press('F1');
  const palette = page.locator('.quick-input-widget input');
  await palette.waitFor({ state: 'visible', timeout: 15_000 });
  await palette.fill('>Developer: Reload Window');
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Reload Window' }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.waitForLoadState('domcontentloaded');
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.tabs-container .tab', { hasText: 'Seccomp Trace' }).first().click({ timeout: 60_000 });
  await panel.locator('.verdict.success').waitFor({ timeout: 60_000 });
  await rows.nth(3).waitFor({ timeout: 15_000 });
  check('after a window reload the panel shows the last trace', true, (await panel.locator('.status').innerText()).trim());
  await shot('trace-after-reload.png');
  await page.close().catch(() => {});
  return true;
}

// ---- phase 5: ask mode: answer a question in the panel ---------------------------------
async function runAsk(context) {
  const page = await context.newPage();
  const consoleLog = join(artifacts, 'ask-console.log');
  page.on('console', (m) => appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`));
  const check = (name, ok, detail = '') => {
    log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
    if (!ok) throw new Error(`ask check failed: ${name} ${detail}`);
  };
  const shot = (name) => page.screenshot({ path: join(artifacts, name) });
  await page.setViewportSize({ width: 1600, height: 900 });
  // A copy of its own: the trace phase leaves its copy edited (and its editors open in that folder's state).
  const askExamples = join(tmp, 'ask-examples');
  cpSync(join(root, 'examples'), askExamples, { recursive: true });
  log(`phase ask: loading the workbench on a copy of examples/ with the ${vsix ? 'installed .vsix' : 'development extension'}`);
  await page.goto(workbenchUrl(false, askExamples, !vsix));
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await openFromExplorer(page, 'list-directory.seccomp');
  // Wait for the server: the code lens over the first line shows the filter's size.
  await page.locator('.contentWidgets .codelens-decoration', { hasText: 'instructions' }).first().waitFor({ timeout: 30_000 });

  // The command palette: Seccomp Policy: Run in Ask Mode…, then the command line.
  await page.keyboard.press('F1');
  const palette = page.locator('.quick-input-widget input');
  await palette.waitFor({ state: 'visible', timeout: 15_000 });
  await palette.fill('>Seccomp Policy: Run in Ask Mode');
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Run in Ask Mode' }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget', { hasText: 'ask mode' }).first().waitFor({ timeout: 15_000 });
  await palette.fill('ls');
  await page.keyboard.press('Enter');

  // The question card: ls's getdents64 waits; the policy's default kills it.
  const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  const card = panel.locator('.question');
  await card.locator('.call', { hasText: 'getdents64' }).waitFor({ timeout: 30_000 });
  const said = (await card.innerText()).replace(/\s+/g, ' ');
  check('the question card shows the call, the policy\'s action and its line', /getdents64\(/.test(said) && /kill_process/.test(said) && /list-directory\.seccomp:6/.test(said), said);
  check('the panel says the run is in ask mode', /· ask/.test(await panel.locator('.status').innerText()));
  await shot('ask-question.png');

  // The line is a link: the editor shows line 6 (the default).
  await card.locator('button.where').click();
  await page.waitForFunction(() => document.querySelector('.editor-instance .margin .line-numbers.active-line-number')?.textContent?.trim() === '6', undefined, { timeout: 15_000 });
  check('the card\'s line link lands on the deciding line', true);

  // Deny: the call fails with EPERM, ls says so and exits 2; the card goes.
  await card.locator('button.answer-deny').click();
  await panel.locator('.verdict').waitFor({ timeout: 30_000 });
  await panel.locator('.status', { hasText: 'exit status 2' }).waitFor({ timeout: 30_000 });
  check('the card goes once answered and the run ends', await card.isHidden());
  const output = await panel.locator('.output').innerText();
  check('ls got EPERM', /Operation not permitted/.test(output), output.trim().slice(0, 200));
  const row = panel.locator('.rows .row', { hasText: 'getdents64' }).first();
  await row.waitFor({ timeout: 15_000 });
  const rowText = (await row.innerText()).replace(/\s+/g, ' ');
  check('the denied call is a row with its errno', /errno\(EPERM\)/.test(rowText) && /EPERM/.test(rowText), rowText);
  await shot('ask-answered.png');

  // Re-run (in ask mode again) and answer "Allow always": the rule goes into the editor, unsaved, and ls succeeds.
  await panel.locator('button.rerun').click();
  await card.locator('.call', { hasText: 'getdents64' }).waitFor({ timeout: 30_000 });
  await card.locator('button.answer-always').click();
  await panel.locator('.status', { hasText: 'exit status 0' }).waitFor({ timeout: 30_000 });
  await page.locator('.editor-instance .view-lines', { hasText: 'getdents64' }).first().waitFor({ timeout: 15_000 });
  const dirty = await page.locator('.tabs-container .tab.dirty', { hasText: 'list-directory.seccomp' }).count();
  check('"Allow always" adds the rule to the buffer, unsaved, and the call runs', dirty > 0, `${dirty} dirty tab`);
  await shot('ask-always.png');
  await page.close().catch(() => {});
  return true;
}

// ---- phase 4: Restricted Mode ---------------------------------------------------------
async function runRestricted(context) {
  const page = await context.newPage();
  const consoleLog = join(artifacts, 'restricted-console.log');
  page.on('console', (m) => appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`));
  const check = (name, ok, detail = '') => {
    log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
    if (!ok) throw new Error(`restricted check failed: ${name} ${detail}`);
  };
  log(`phase restricted: loading the workbench, workspace not trusted, with the ${vsix ? 'installed .vsix' : 'development extension'}`);
  await page.goto(workbenchUrl(false, workspace, !vsix));
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  const indicator = page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first();
  await indicator.waitFor({ timeout: 30_000 });
  check('the window is in Restricted Mode', true, (await indicator.innerText()).trim());

  // Checking works: the misspelt syscall is flagged.
  await openFromExplorer(page, 'misspelt.seccomp');
  const squiggle = page.locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning').first();
  await squiggle.waitFor({ state: 'attached', timeout: 30_000 });
  check('diagnostics still show', true);

  // Running is disabled: the editor title's Run is greyed out, and the language status says why.
  await openFromExplorer(page, 'run.seccomp');
  const runButton = page.locator('.editor-actions .action-label[aria-label^="Test Run…"]').first();
  await runButton.waitFor({ state: 'attached', timeout: 15_000 });
  const disabled = (await runButton.getAttribute('aria-disabled')) === 'true' || /\bdisabled\b/.test((await runButton.getAttribute('class')) ?? '');
  check('the Run button is disabled', disabled, `${await runButton.getAttribute('class')}`);
  const status = page.locator('.statusbar-item[id="status.languageStatus"] a, .statusbar-item[id="status.languageStatus"]').first();
  await status.waitFor({ timeout: 30_000 });
  await status.hover();
  const hover = page.locator('.monaco-hover, .context-view', { hasText: 'Seccomp' }).first();
  await hover.waitFor({ timeout: 15_000 });
  const said = (await hover.innerText()).replace(/\s+/g, ' ');
  check('the language status says running is disabled and why', /cannot run programs/.test(said) && /not trusted/.test(said), said.slice(0, 200));
  await page.mouse.move(10, 10);
  await page.keyboard.press('Escape');

  // Compiling works: the palette's Compile Policy… opens the disassembly.
  await page.keyboard.press('F1');
  const palette = page.locator('.quick-input-widget input');
  await palette.waitFor({ state: 'visible', timeout: 15_000 });
  await palette.fill('>Seccomp Policy: Compile Policy');
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Compile Policy' }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Disassembly' }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  const listing = page.locator('.tabs-container .tab', { hasText: /run\.seccomp.*(disasm|bpf)|\.bpf|Disassembly/ }).first();
  await listing.waitFor({ timeout: 30_000 });
  check('Compile Policy… works', true, (await listing.innerText()).trim());
  await page.screenshot({ path: join(artifacts, 'restricted.png') });
  await page.close().catch(() => {});
  return true;
}

// ---- main ---------------------------------------------------------------------
let ok = true;
let context;
try {
  await waitHealthy();
  log('code-server is up');
  context = await chromium.launchPersistentContext(join(tmp, 'chromium'), {
    executablePath: chromiumPath,
    headless: !headed,
    viewport: { width: 1280, height: 800 },
    env: { ...process.env, ...xdg },
    args: [
      '--disable-crash-reporter',
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const phases = phaseArg === 'all' ? ['suite', 'ui', 'trace', 'ask'] : [phaseArg];
  for (const phase of phases) {
    try {
      const passed = phase === 'suite'
        ? await runSuite(context)
        : phase === 'ui'
          ? await withTimeout(runUi(context), UI_TIMEOUT_MS, 'the UI steps')
          : phase === 'restricted'
            ? await withTimeout(runRestricted(context), UI_TIMEOUT_MS, 'the Restricted Mode steps')
            : phase === 'ask'
              ? await withTimeout(runAsk(context), TRACE_TIMEOUT_MS, 'the ask mode steps')
              : await withTimeout(runTrace(context), TRACE_TIMEOUT_MS, 'the trace panel steps');
      log(`phase ${phase}: ${passed ? 'PASSED' : 'FAILED'}`);
      ok &&= passed;
    } catch (err) {
      log(`phase ${phase}: FAILED: ${err?.stack ?? err}`);
      for (const p of context.pages()) await p.screenshot({ path: join(artifacts, `failure-${phase}.png`) }).catch(() => {});
      ok = false;
    }
  }
} catch (err) {
  log(`FAILED: ${err?.stack ?? err}`);
  ok = false;
}
log(`${ok ? 'PASSED' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s; artifacts in ${artifacts}`);
// Exit now: closing the browser can stall for a minute. The exit handler kills
// code-server's process group; playwright kills the browser it launched.
process.exit(ok ? 0 : 1);
