// The .vsix users install: `npm run package` (vsce, target linux-x64) must
// ship the bundles, the grammar, the docs, the examples and the trace helper
// with its execute bit, and nothing else: no node_modules, sources, tests,
// scripts, bench or source maps. The `package` suite of scripts/test.mjs.
// Builds a real package (vsce runs the `vscode:prepublish` build) into a
// temporary folder and reads its zip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..', '..');
const vsce = join(root, 'node_modules', '.bin', 'vsce');

interface ZipEntry {
  readonly name: string;
  /** Unix mode from the external attributes (0 when the zip was made elsewhere). */
  readonly mode: number;
  readonly data: () => Buffer;
}

/** Reads a zip's central directory (enough of the format for a .vsix). */
function readZip(buf: Buffer): ZipEntry[] {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'the .vsix is a zip');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50);
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const external = buf.readUInt32LE(p + 38);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const data = () => {
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const raw = buf.subarray(start, start + compressed);
      return method === 0 ? raw : inflateRawSync(raw);
    };
    out.push({ name, mode: external >>> 16, data });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

test('npm run package builds a linux-x64 .vsix with exactly the shipped files, the helper executable', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'seccomp-vsix-'));
  try {
    const vsix = join(dir, 'seccomp-policy.vsix');
    const r = spawnSync(vsce, ['package', '--no-dependencies', '--target', 'linux-x64', '--out', vsix], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `vsce package failed:\n${r.stdout}\n${r.stderr}`);
    const entries = readZip(readFileSync(vsix));
    const files = entries.map((e) => e.name).filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length));

    for (const must of [
      // vsce stores the README as readme.md and the licence as LICENSE.txt.
      'package.json', 'readme.md', 'LICENSE.txt', 'media/icon.png',
      'dist/extension.js', 'dist/server.js', 'dist/server-main.js', 'dist/webview.js', 'dist/webview.css',
      'syntaxes/seccomp.tmLanguage.json', 'syntaxes/language-configuration.json',
      'docs/policy-language.md', 'docs/diagnostics.md',
      'examples/list-directory.seccomp', 'native/build/seccomp-run',
    ]) assert.ok(files.includes(must), `the package holds ${must}`);

    const allowed = [/^package\.json$/, /^readme\.md$/i, /^LICENSE(\.txt)?$/, /^media\/(icon\.png|walkthrough\/[\w-]+\.md)$/,
      /^dist\/(extension|server|server-main|webview)\.js$/, /^dist\/webview\.css$/, /^syntaxes\/[\w.-]+\.json$/, /^docs\/[\w-]+\.md$/,
      /^docs\/images\/[\w-]+\.png$/, /^examples\/[\w/-]+\.seccomp$/, /^native\/build\/seccomp-run$/];
    const unexpected = files.filter((f) => !allowed.some((re) => re.test(f)));
    assert.deepEqual(unexpected, [], 'nothing else: no node_modules, sources, tests, scripts, bench or maps');
    assert.ok(!files.some((f) => f.endsWith('.map') || f.endsWith('.ts') || f.startsWith('node_modules/')));

    const helper = entries.find((e) => e.name === 'extension/native/build/seccomp-run')!;
    assert.equal(helper.mode & 0o170000, 0o100000, 'the helper is a regular file');
    assert.equal(helper.mode & 0o111, 0o111, `the helper keeps its execute bits (mode ${helper.mode.toString(8)})`);
    assert.equal(helper.data().subarray(0, 4).toString('latin1'), '\x7fELF');

    const manifest = entries.find((e) => e.name === 'extension.vsixmanifest')!.data().toString('utf8');
    assert.match(manifest, /TargetPlatform="linux-x64"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the manifest: workspace extension, limited trust with restricted settings, resource-scoped settings, when clauses', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.extensionKind, ['workspace']);
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.sort(), ['seccompPolicy.helper.path', 'seccompPolicy.includeDirectories', 'seccompPolicy.run.commandLine']);
  assert.ok(pkg.repository?.url, 'repository (vsce rewrites the README links with it)');
  assert.ok(pkg.devDependencies['@vscode/vsce'], '@vscode/vsce is a devDependency');
  const props = pkg.contributes.configuration.properties as Record<string, { scope: string }>;
  for (const [key, p] of Object.entries(props)) {
    const windowScoped = key === 'seccompPolicy.trace.server' || key === 'seccompPolicy.trace.maxRows';
    assert.equal(p.scope, windowScoped ? 'window' : 'resource', `${key} scope`);
  }
  const commands = pkg.contributes.commands as { command: string; enablement?: string }[];
  for (const id of ['seccompPolicy.testRun', 'seccompPolicy.testRunPermissive', 'seccompPolicy.learn']) {
    assert.equal(commands.find((c) => c.command === id)?.enablement, 'isWorkspaceTrusted', `${id} is off in Restricted Mode`);
  }
  const palette = pkg.contributes.menus.commandPalette as { command: string; when: string }[];
  for (const id of ['seccompPolicy.testRun', 'seccompPolicy.testRunPermissive', 'seccompPolicy.compile']) {
    assert.match(palette.find((m) => m.command === id)!.when, /editorLangId == seccomp \|\| resourceExtname == \.seccomp/);
  }
  // The editor title's run button (▷ with a drop-down of the run commands).
  const run = pkg.contributes.menus['editor/title/run'] as { command: string; group: string }[];
  assert.equal(run[0]?.command, 'seccompPolicy.testRun', 'Run in the editor title');
  assert.ok(commands.find((c) => c.command === 'seccompPolicy.testRun')?.enablement);
  assert.equal((commands.find((c) => c.command === 'seccompPolicy.testRun') as { icon?: string }).icon, '$(play)');
  assert.ok(pkg.activationEvents.includes('onWebviewPanel:seccompPolicy.trace'), 'the serializer can restore the panel after a reload');
  assert.ok(pkg.contributes.walkthroughs?.[0]?.steps?.length >= 2);
});
