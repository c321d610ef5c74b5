// The trace panel's page (dist/webview.js and .css, as the webview loads them) in a headless
// Chromium, for the tests of the page alone: a stand-in for `acquireVsCodeApi` records what the
// page posts (`window.posted`) and keeps its saved state (`window.state`); the tests post what
// the host would. Chromium and playwright-core come from test/e2e/setup.sh (a set-up step of
// scripts/test.mjs); without them the test is skipped with the reason.
import { after, before, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { skipUnless } from '../helpers/machine';

const here = import.meta.dirname;
const root = resolve(here, '..', '..');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

interface Browser { close(): Promise<void>; newPage(): Promise<Page> }
export interface Page {
  setContent(html: string): Promise<void>;
  addStyleTag(o: { path: string }): Promise<unknown>;
  addScriptTag(o: { path: string } | { content: string }): Promise<unknown>;
  evaluate<T, A>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T>;
  locator(selector: string): { count(): Promise<number>; first(): { innerText(): Promise<string>; getAttribute(name: string): Promise<string | null>; waitFor(o: object): Promise<void> }; selectOption(v: string): Promise<unknown> };
  waitForFunction<A>(fn: (arg: A) => unknown, arg: A, o: { timeout: number }): Promise<unknown>;
  keyboard: { press(key: string): Promise<void> };
}

// The functions passed to page.evaluate run in the page; the project's types are Node's, without the DOM.
declare const window: any;

let browser: Browser | undefined;

/** Registers the file's hooks: the bundles are built when missing, and the browser is closed at the end. */
export function usePanelPage(): void {
  before(() => {
    for (const f of ['dist/webview.js', 'dist/webview.css']) {
      if (!existsSync(join(root, f))) {
        const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
        assert.ok(existsSync(join(root, f)), `${f} after node scripts/build.mjs:\n${b.stderr}`);
      }
    }
  });
  after(async () => {
    await browser?.close().catch(() => {});
  });
}

/** The page loaded and ready (it has posted `ready`); undefined when the test was skipped for a missing browser. */
export async function openPanelPage(t: TestContext): Promise<Page | undefined> {
  const check = spawnSync('bash', [join(here, 'setup.sh'), '--check'], { encoding: 'utf8' });
  const missing = check.status === 0 ? undefined : `${check.stdout.trim() || 'test/e2e/setup.sh --check failed'} (run: bash test/e2e/setup.sh)`;
  if (skipUnless(t, missing === undefined ? undefined : { kind: 'tool', reason: missing })) return undefined;
  const { chromium } = createRequire(join(here, 'package.json'))('playwright-core') as { chromium: { launch(o: object): Promise<Browser> } };
  browser ??= await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'],
  });
  const page = await browser.newPage();
  await page.setContent('<!DOCTYPE html><html><head></head><body><div id="app"></div></body></html>');
  // tsx (esbuild) may wrap the functions below in its `__name` helper, which the page lacks.
  await page.addScriptTag({ content: 'window.__name = (f) => f;' });
  await page.evaluate(() => {
    const w = window as { posted: unknown[]; state: unknown; acquireVsCodeApi(): unknown };
    w.posted = [];
    w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.posted.push(m), getState: () => w.state, setState: (s: unknown) => { w.state = s; } });
  }, undefined);
  await page.addStyleTag({ path: join(root, 'dist', 'webview.css') });
  await page.addScriptTag({ path: join(root, 'dist', 'webview.js') });
  await page.waitForFunction(() => (window as { posted: { type: string }[] }).posted.some((m) => m.type === 'ready'), undefined, { timeout: 10_000 });
  return page;
}
