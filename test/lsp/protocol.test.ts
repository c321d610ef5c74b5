// The bundled server over stdio, feature by feature, on real policies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  CodeAction, CodeLens, CompletionItem, CompletionList, Diagnostic, DocumentSymbol, FoldingRange, Hover, InlayHint, Location,
  SelectionRange, SemanticTokens, TextEdit, WorkspaceEdit,
} from 'vscode-languageserver-types';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ensureBuilt, positionOf, REPO, TestClient } from './client';

const dir = mkdtempSync(join(tmpdir(), 'seccomp-lsp-'));
const uriOf = (name: string) => pathToFileURL(join(dir, name)).href;
const EXAMPLE = readFileSync(join(REPO, 'test/e2e/fixtures/workspace/policy.seccomp'), 'utf8');
writeFileSync(join(dir, 'common.seccomp'), '# shared rules\ngroup @stdio = read, write, close\ndefine STDERR = 2\n');

const POLICY = `# A policy for the protocol tests
arch x86_64, aarch64
default errno(EPERM)

include "common.seccomp"

define RO = O_RDONLY
group @net = socket, bind, listen

allow @stdio, execve, exit_group
allow @net
allow openat if flags & O_ACCMODE == RO
allow write if fd == STDERR
errno(EPERM) clone3
allow clone if flags & CLONE_NEWUSER == 0
`;

before(() => ensureBuilt());
after(() => rmSync(dir, { recursive: true, force: true }));

describe('push diagnostics (a client without pull support)', () => {
  const c = new TestClient({ initializationOptions: { diagnosticDelay: 10 } });
  before(async () => {
    await c.start();
  });
  after(() => c.stop());

  test('initialize announces every feature and no pull diagnostics', () => {
    const caps = c.initialize.capabilities;
    for (const k of ['hoverProvider', 'completionProvider', 'definitionProvider', 'referencesProvider', 'renameProvider',
      'documentSymbolProvider', 'foldingRangeProvider', 'selectionRangeProvider', 'semanticTokensProvider', 'inlayHintProvider',
      'codeLensProvider', 'documentFormattingProvider', 'codeActionProvider'] as const) assert.ok(caps[k], k);
    assert.equal(caps.diagnosticProvider, undefined);
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2 });
    assert.equal(c.initialize.serverInfo?.name, 'seccomp-language-server');
  });

  test('didOpen publishes diagnostics; didChange (incremental) updates them', async () => {
    const uri = uriOf('edit.seccomp');
    const text = 'arch x86_64\ndefault errno(EPERM)\nallow execve\nallow opnat\n';
    c.open(uri, text);
    const first = await c.diagnostics(uri, undefined, 1);
    assert.deepEqual(first.map((d) => d.code), ['unknown-syscall']);
    assert.deepEqual(first[0]!.range, { start: { line: 3, character: 6 }, end: { line: 3, character: 11 } });
    c.change(uri, 2, [{ range: { start: { line: 3, character: 6 }, end: { line: 3, character: 11 } }, text: 'openat' }]);
    assert.deepEqual((await c.diagnostics(uri, undefined, 2)).map((d) => d.code), ['prefer-enosys']);
    c.change(uri, 3, [{ range: { start: { line: 3, character: 6 }, end: { line: 3, character: 6 } }, text: 'x' }]);
    assert.match((await c.diagnostics(uri, undefined, 3))[0]!.message as string, /unknown syscall `xopenat`/);
  });

  test('diagnostics of a file that includes the edited file are refreshed', async () => {
    const inc = uriOf('frag.seccomp');
    const root = uriOf('uses-frag.seccomp');
    writeFileSync(join(dir, 'frag.seccomp'), 'allow read\n');
    c.open(inc, 'allow read\n');
    c.open(root, 'arch x86_64\ndefault errno(EPERM)\nallow execve\ninclude "frag.seccomp"\n');
    assert.deepEqual(await c.diagnostics(root), []);
    // The fragment alone has no default and gets no missing-default.
    assert.deepEqual(await c.diagnostics(inc), []);
    c.change(inc, 2, [{ text: 'allow nosuch\n' }]);
    const d = await c.diagnostics(root, (list) => list.length > 0);
    assert.equal(d[0]!.code, 'included-file-errors');
    assert.match(d[0]!.message as string, /nosuch/);
  });

  test('unreachable rules carry the Unnecessary tag and related information', async () => {
    const uri = uriOf('tags.seccomp');
    c.open(uri, 'arch x86_64\ndefault errno(EPERM)\nallow execve\nallow read\nallow read if fd == 0\n');
    const d = (await c.diagnostics(uri, (l) => l.length > 0)).find((x) => x.code === 'unreachable-rule')!;
    assert.deepEqual(d.tags, [1]);
    assert.equal(d.relatedInformation![0]!.location.uri, uri);
  });

  describe('features on one policy', () => {
    const uri = uriOf('root.seccomp');
    const at = (needle: string, delta = 1) => ({ textDocument: { uri }, position: positionOf(POLICY, needle, delta) });
    before(async () => {
      c.open(uri, POLICY);
      await c.diagnostics(uri);
    });

    test('hover on a syscall, a constant, a group, an action', async () => {
      const h = await c.request<Hover>('textDocument/hover', at('openat'));
      assert.match((h.contents as { value: string }).value, /int openat\(int dirfd/);
      assert.match((h.contents as { value: string }).value, /x86_64 257 · aarch64 56/);
      const k = await c.request<Hover>('textDocument/hover', at('O_ACCMODE'));
      assert.match((k.contents as { value: string }).value, /`O_ACCMODE` = 3/);
      const g = await c.request<Hover>('textDocument/hover', at('@stdio'));
      assert.match((g.contents as { value: string }).value, /`read`, `write`, `close`/);
      const a = await c.request<Hover>('textDocument/hover', at('errno(EPERM) clone3'));
      assert.match((a.contents as { value: string }).value, /SECCOMP_RET_ERRNO/);
    });

    test('completion after an action, inside if, and resolve', async () => {
      const afterAllow = await c.request<CompletionList>('textDocument/completion', at('allow @net', 'allow '.length));
      assert.ok(afterAllow.items.some((i) => i.label === 'openat'));
      const flags = await c.request<CompletionList>('textDocument/completion', at('O_ACCMODE', 0));
      assert.ok(flags.items.some((i) => i.label === 'O_CREAT'));
      const item = afterAllow.items.find((i) => i.label === 'openat')!;
      const resolved = await c.request<CompletionItem>('completionItem/resolve', item);
      assert.match((resolved.documentation as { value: string }).value, /openat\(2\)/);
    });

    test('definition of a define in an included file, and of the include', async () => {
      const d = await c.request<Location>('textDocument/definition', at('STDERR'));
      assert.equal(d.uri, uriOf('common.seccomp'));
      assert.deepEqual(d.range.start, { line: 2, character: 7 });
      const inc = await c.request<Location>('textDocument/definition', at('common.seccomp'));
      assert.equal(inc.uri, uriOf('common.seccomp'));
    });

    test('references of a define', async () => {
      const refs = await c.request<Location[]>('textDocument/references', { ...at('RO ='), context: { includeDeclaration: true } });
      assert.deepEqual(refs.map((r) => r.range.start.line), [6, 11]);
    });

    test('prepareRename and rename of a group; rename of a syscall refused', async () => {
      const prep = await c.request<{ range: unknown; placeholder: string }>('textDocument/prepareRename', at('@net ='));
      assert.equal(prep.placeholder, 'net');
      const edit = await c.request<WorkspaceEdit>('textDocument/rename', { ...at('@net ='), newName: 'sockets' });
      assert.deepEqual(edit.changes![uri]!.map((e) => e.range.start.line), [7, 10]);
      await assert.rejects(c.request('textDocument/rename', { ...at('openat'), newName: 'x' }), /built in/);
    });

    test('document symbols, folding, selection ranges', async () => {
      const symbols = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
      assert.deepEqual(symbols.map((s) => s.name), ['arch', 'default', 'include "common.seccomp"', 'RO', '@net', 'allow', 'errno(EPERM)']);
      const folds = await c.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
      assert.ok(Array.isArray(folds));
      const sel = await c.request<SelectionRange[]>('textDocument/selectionRange', { textDocument: { uri }, positions: [positionOf(POLICY, 'O_ACCMODE', 2)] });
      assert.equal(sel.length, 1);
      assert.ok(sel[0]!.parent);
    });

    test('semantic tokens use the legend', async () => {
      const legend = c.initialize.capabilities.semanticTokensProvider!.legend;
      const t = await c.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
      assert.equal(t.data.length % 5, 0);
      const types = new Set<string>();
      for (let i = 3; i < t.data.length; i += 5) types.add(legend.tokenTypes[t.data[i]!]!);
      for (const k of ['function', 'parameter', 'enumMember', 'keyword', 'namespace', 'variable', 'type']) assert.ok(types.has(k), k);
    });

    test('code lens over the first line', async () => {
      const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
      assert.deepEqual(lenses.map((l) => l.command!.command), ['seccompPolicy.compile', 'seccompPolicy.testRun']);
      assert.match(lenses[0]!.command!.title, /x86_64 \d+ · aarch64 \d+ instructions/);
      assert.equal(lenses[0]!.range.start.line, 0);
    });

    test('inlay hints are off by default', async () => {
      const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } } });
      assert.deepEqual(hints, []);
    });

    test('code actions: the prefer-enosys fix', async () => {
      const line = POLICY.split('\n').findIndex((l) => l.startsWith('errno(EPERM) clone3'));
      const range = { start: { line, character: 0 }, end: { line, character: 0 } };
      const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } });
      assert.ok(actions.some((a) => /ENOSYS/.test(a.title)), actions.map((a) => a.title).join('; '));
    });
  });

  test('formatting gives one canonical layout, and formatting twice changes nothing', async () => {
    const uri = uriOf('fmt.seccomp');
    const text = 'arch   x86_64\ndefault errno( EPERM )\nallow read,write   # io\n';
    c.open(uri, text);
    const edits = await c.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } });
    assert.ok(edits.length > 0);
    const formatted = TextDocument.applyEdits(TextDocument.create(uri, 'seccomp', 1, text), edits);
    assert.match(formatted, /^arch x86_64\ndefault errno\(EPERM\)\nallow read, write/);
    c.change(uri, 2, [{ text: formatted }]);
    assert.deepEqual(await c.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } }), []);
  });

  test('the example policy from the README is clean', async () => {
    const uri = pathToFileURL(join(REPO, 'test/e2e/fixtures/workspace/policy.seccomp')).href;
    c.open(uri, EXAMPLE);
    const d = await c.diagnostics(uri);
    assert.deepEqual(d.filter((x: Diagnostic) => x.severity === 1), []);
  });
});

describe('pull diagnostics (a client that supports textDocument/diagnostic)', () => {
  const c = new TestClient({ pull: true });
  before(async () => {
    await c.start();
  });
  after(() => c.stop());

  test('diagnosticProvider is announced and no diagnostics are pushed', async () => {
    assert.deepEqual(c.initialize.capabilities.diagnosticProvider, { identifier: 'seccomp', interFileDependencies: true, workspaceDiagnostics: false });
    const uri = uriOf('pull.seccomp');
    c.open(uri, 'arch x86_64\ndefault errno(EPERM)\nallow nosuch\n');
    const report = await c.request<{ kind: string; resultId: string; items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
    assert.equal(report.kind, 'full');
    assert.deepEqual(report.items.map((d) => d.code), ['unknown-syscall']);
    const again = await c.request<{ kind: string }>('textDocument/diagnostic', { textDocument: { uri }, previousResultId: report.resultId });
    assert.equal(again.kind, 'unchanged');
    c.change(uri, 2, [{ text: 'arch x86_64\ndefault errno(EPERM)\nallow execve\n' }]);
    const fixed = await c.request<{ kind: string; items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri }, previousResultId: report.resultId });
    assert.equal(fixed.kind, 'full');
    assert.deepEqual(fixed.items, []);
    assert.equal(c.published.size, 0);
  });

  test('editing an included file asks the client to pull again', async () => {
    const inc = uriOf('pulled-frag.seccomp');
    const root = uriOf('pulled-root.seccomp');
    c.open(inc, 'allow read\n');
    c.open(root, 'arch x86_64\ndefault errno(EPERM)\nallow execve\ninclude "pulled-frag.seccomp"\n');
    await c.request('textDocument/diagnostic', { textDocument: { uri: root } });
    const before = c.refreshes;
    c.change(inc, 2, [{ text: 'allow nosuch\n' }]);
    await c.waitFor('a diagnostic refresh', () => c.refreshes > before);
    const report = await c.request<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri: root } });
    assert.equal(report.items[0]!.code, 'included-file-errors');
  });
});

describe('settings from the client', () => {
  const c = new TestClient({
    configuration: { maxNumberOfProblems: 2, inlayHints: { syscallNumbers: true }, abis: ['aarch64'], lint: { dangerous: 'warning' } },
    initializationOptions: { diagnosticDelay: 0 },
  });
  before(async () => {
    await c.start();
  });
  after(() => c.stop());

  test('workspace/configuration is read: problem limit, inlay hints, ABIs, lint level', async () => {
    const uri = uriOf('settings.seccomp');
    const text = 'arch x86_64, aarch64\ndefault errno(EPERM)\nallow execve, ptrace\nallow nosuch1\nallow nosuch2\nallow nosuch3\n';
    c.open(uri, text);
    // The settings arrive after initialization; the diagnostics follow them.
    const d = await c.diagnostics(uri, (l) => l.length === 2);
    assert.equal(d.length, 2);
    const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } } });
    assert.deepEqual(hints.map((h) => h.label), ['221', '117']);
    c.change(uri, 2, [{ text: 'arch x86_64, aarch64\ndefault errno(EPERM)\nallow execve, ptrace\n' }]);
    const dangerous = (await c.diagnostics(uri, (l) => l.some((x) => x.code === 'dangerous-syscall'))).find((x) => x.code === 'dangerous-syscall')!;
    assert.equal(dangerous.severity, 2);
  });
});

describe('shutdown', () => {
  test('shutdown then exit ends the process with code 0', async () => {
    ensureBuilt();
    const c = new TestClient();
    await c.start();
    await c.request('shutdown', null);
    const exited = new Promise<number | null>((r) => c.proc.once('exit', (code) => r(code)));
    void c.conn.sendNotification('exit');
    assert.equal(await exited, 0);
    c.conn.dispose();
  });
});
