// The extension host must start no process of its own: in desktop VS Code
// `process.execPath` is Electron, and running it without
// ELECTRON_RUN_AS_NODE=1 starts another editor instead of Node. The only
// process the extension causes is the language server, which
// vscode-languageclient forks with ELECTRON_RUN_AS_NODE=1.
//
// Two proofs on the bundle: (1) a scan of the bundled modules: only
// vscode-languageclient's node layer touches child_process, and our own
// modules name no process API; (2) the bundle activated with a stubbed
// `vscode` and a trapped `child_process`: it forks dist/server.js with
// ELECTRON_RUN_AS_NODE=1 and calls nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..', '..', '..');

/** The extension bundle, built as scripts/build.mjs builds it (dist/ may be stale in a shared tree). */
async function bundle(): Promise<{ file: string; text: string; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'seccomp-ext-bundle-'));
  const file = join(dir, 'extension.js');
  await build({ entryPoints: [join(root, 'client/src/extension.ts')], outfile: file, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['vscode'], logLevel: 'silent' });
  return { file, text: readFileSync(file, 'utf8'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Splits an esbuild bundle into its modules, by the `// path` comment esbuild puts before each. */
function modules(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let name = '(prelude)';
  let body: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\/\/ ((?:node_modules|client|server)\/\S+\.[cm]?[jt]s)$/.exec(line);
    if (m) {
      out.set(name, (out.get(name) ?? '') + body.join('\n'));
      name = m[1]!;
      body = [];
    } else {
      body.push(line);
    }
  }
  out.set(name, (out.get(name) ?? '') + body.join('\n'));
  return out;
}

const CHILD_PROCESS = /require\("(?:node:)?child_process"\)/;
const ALLOWED_CHILD_PROCESS = new Set(['node_modules/vscode-languageclient/lib/node/main.js', 'node_modules/vscode-languageclient/lib/node/processes.js']);

function checkScan(text: string, what: string): void {
  const mods = modules(text);
  assert.ok(mods.size > 20, `${what}: the bundle is split into modules (${mods.size})`);
  const users = [...mods].filter(([, body]) => CHILD_PROCESS.test(body)).map(([name]) => name);
  assert.ok(users.length > 0, `${what}: vscode-languageclient's node layer is in the bundle`);
  for (const u of users) assert.ok(ALLOWED_CHILD_PROCESS.has(u), `${what}: ${u} uses child_process`);
  const ours = [...mods].filter(([name]) => name.startsWith('client/') || name.startsWith('server/'));
  assert.ok(ours.some(([n]) => n === 'client/src/extension.ts'), `${what}: our modules are found`);
  for (const [name, body] of ours) {
    for (const api of [/child_process/, /process\.execPath/, /\bshellPath\b/, /\bcreateTerminal\b/, /\bShellExecution\b/, /\bProcessExecution\b/, /\bexecFile\b/, /\bspawn\b/]) {
      assert.doesNotMatch(body, api, `${what}: ${name} must not start processes (${api})`);
    }
  }
  // The language client's fork path sets ELECTRON_RUN_AS_NODE.
  const main = mods.get('node_modules/vscode-languageclient/lib/node/main.js')!;
  assert.match(main, /ELECTRON_RUN_AS_NODE"?\]? = "1"/);
}

test('only vscode-languageclient touches child_process in the extension bundle, and our code names no process API', async () => {
  const b = await bundle();
  try {
    checkScan(b.text, 'fresh bundle');
  } finally {
    b.cleanup();
  }
  const dist = join(root, 'dist', 'extension.js');
  if (existsSync(dist)) checkScan(readFileSync(dist, 'utf8'), 'dist/extension.js');
});

/** A stand-in for any vscode API: every property is another stand-in, callable and constructible. */
function stub(name: string): unknown {
  const target = function () {} as unknown as Record<string | symbol, unknown>;
  const assigned = new Map<string | symbol, unknown>();
  return new Proxy(target, {
    set(_t, prop, value) {
      assigned.set(prop, value);
      return true;
    },
    get(_t, prop) {
      if (assigned.has(prop)) return assigned.get(prop);
      if (prop === 'then') return undefined; // not a promise
      if (prop === Symbol.toPrimitive) return () => `[${name}]`;
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'isTrusted') return true;
      if (prop === 'workspaceFolders') return [];
      if (prop === 'extensionPath') return root;
      if (prop === 'subscriptions') return [];
      if (prop === 'asAbsolutePath') return (p: string) => join(root, p);
      if (prop === 'extensionUri' || prop === 'uri') return { fsPath: root, path: root, scheme: 'file', toString: () => `file://${root}` };
      if (prop === 'get') return (_key: string, dflt?: unknown) => dflt;
      if (prop === 'version') return '1.100.3';
      return stub(`${name}.${String(prop)}`);
    },
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`) as object,
  });
}

/** The `vscode` module: a stand-in for every name @types/vscode exports (bundles copy the module's own keys). */
function vscodeModule(): Record<string, unknown> {
  const dts = readFileSync(join(root, 'node_modules/@types/vscode/index.d.ts'), 'utf8');
  const names = new Set([...dts.matchAll(/^\s*export (?:namespace|class|enum|function|const|let) (\w+)/gm)].map((m) => m[1]!));
  const api: Record<string, unknown> = {};
  for (const n of names) api[n] = stub(`vscode.${n}`);
  api.version = '1.100.3';
  return api;
}

test('activated with a stubbed vscode, the bundle forks only the language server, with ELECTRON_RUN_AS_NODE=1', async () => {
  const b = await bundle();
  const calls: { fn: string; args: unknown[] }[] = [];
  let activationError: unknown;
  const fakeChild = () => {
    const p = new EventEmitter() as EventEmitter & Record<string, unknown>;
    Object.assign(p, { pid: 4242, stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), connected: true, send: () => true, kill: () => true });
    return p;
  };
  const trapped: Record<string, unknown> = {};
  for (const fn of ['fork', 'spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync']) {
    trapped[fn] = (...args: unknown[]) => {
      calls.push({ fn, args });
      return fakeChild();
    };
  }
  const mod = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const originalLoad = mod._load;
  mod._load = function (request: string, parent: unknown, isMain: boolean) {
    if (request === 'vscode') return vscodeModule();
    if (request === 'child_process' || request === 'node:child_process') return trapped;
    return originalLoad.call(this, request, parent, isMain);
  };
  try {
    const ext = (Module.createRequire(b.file))(b.file) as { activate(ctx: unknown): Promise<unknown> };
    // activate() waits for the server's answer, which never comes: watch what it did meanwhile.
    void ext.activate(stub("context")).catch((e: unknown) => { activationError = e; });
    for (let i = 0; i < 100 && calls.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    mod._load = originalLoad;
    b.cleanup();
  }
  assert.equal(activationError, undefined, 'activate() ran up to the server start');
  assert.deepEqual(calls.map((c) => c.fn), ['fork'], 'the one process: the language server, forked');
  const [modulePath, , options] = calls[0]!.args as [string, string[], { env: Record<string, string> }];
  assert.equal(modulePath, join(root, 'dist', 'server.js'));
  assert.equal(options.env.ELECTRON_RUN_AS_NODE, '1');
});
