/**
 * The extension's commands and the server's custom requests, in a real
 * extension host: test runs into the trace panel (killed, allowed, run
 * again, permissive, stopped, saved), coverage, learn, the compiled
 * documents (links, kept in step with edits, related lines), syscall
 * documentation, the language status and a policy with errors.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SeccompPolicyApi } from '../../../client/src/extension';
import type { RunHeader } from '../../../client/shared/panelProtocol';
// Requests by method name: the RequestType objects of this bundle are not the extension's (jsonrpc compares by identity).
import { policyInfoRequest, syscallListRequest, type PolicyInfoResult, type RunFinishedParams, type SyscallListItem } from '../../../server/src/lsp/ext';
import { suite, suiteSetup, suiteTeardown, test } from './mocha-tdd';

function workspaceFile(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.all.find((e) => (e.packageJSON as { name?: string }).name === 'seccomp-policy');
  assert.ok(ext, 'the extension is loaded');
  return ext;
}

function api(): SeccompPolicyApi {
  const ext = extension();
  assert.ok(ext.isActive, 'the extension is active');
  return ext.exports as SeccompPolicyApi;
}

async function waitFor<T>(what: string, probe: () => T | undefined | false | Thenable<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs a command that starts a test run and waits for the run's end. */
async function runToEnd(start: () => Thenable<RunHeader | undefined>): Promise<{ header: RunHeader; finished: RunFinishedParams }> {
  const ended: RunFinishedParams[] = [];
  const sub = api().runs.onDidFinish((p) => ended.push(p));
  try {
    const header = await start();
    assert.ok(header, 'the run started');
    const finished = await waitFor(`the end of run ${header.runId}`, () => ended.find((p) => p.runId === header.runId), 30_000);
    return { header, finished };
  } finally {
    sub.dispose();
  }
}

async function openPolicy(name: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
}

suite('Seccomp Policy commands and the server\'s custom requests', () => {
  suiteSetup(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await openPolicy('run.seccomp');
    await waitFor('the extension to activate', () => extension().isActive);
    await waitFor('the language client', () => api().client?.isRunning());
  });
  suiteTeardown(async () => {
    // The policies were edited in their buffers only: leave the files as they are.
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.isDirty && doc.uri.scheme === 'file') {
        await vscode.window.showTextDocument(doc);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('every command is registered', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['testRun', 'testRunPermissive', 'testRunAsk', 'learn', 'compile', 'showSyscallDoc', 'restartServer', 'stopRun', 'showTrace', 'openExamples', 'showOutput']) {
      assert.ok(all.includes(`seccompPolicy.${id}`), id);
    }
  });

  test('the server reports its status, and the policy\'s ABIs and size (seccomp/serverStatus, seccomp/policyInfo)', async () => {
    await openPolicy('run.seccomp');
    const status = await waitFor('a server status', () => api().status.status);
    assert.equal(status.canRun, true, status.message);
    const info = await api().client!.sendRequest<PolicyInfoResult>(policyInfoRequest.method, { uri: workspaceFile('run.seccomp').toString() });
    assert.deepEqual([...info.abis], ['x86_64', 'aarch64']);
    assert.ok((info.instructions ?? 0) > 5, `instructions: ${info.instructions}`);
    await waitFor('the language status item to show the size', () => /instructions/.test(api().status.texts.policy) && api().status.texts.policy);
  });

  test('Test Run: ls is killed at getdents64; allowing it and running again succeeds; coverage follows (seccomp/run, runEvents, runFinished, allowSyscall)', async () => {
    const editor = await openPolicy('run.seccomp');
    const uri = editor.document.uri;
    const first = await runToEnd(() => vscode.commands.executeCommand<RunHeader>('seccompPolicy.testRun', uri, { commandLine: 'ls' }));
    assert.equal(first.finished.status, 128 + 31, first.finished.sentence);
    assert.match(first.finished.sentence, /SIGSYS/);
    assert.match(first.finished.sentence, /getdents64/);
    const session = api().panel.session;
    assert.ok(session.store.total > 10, `rows: ${session.store.total}`);
    const fatal = session.store.findRow(first.finished.fatalSeq!);
    assert.equal(fatal?.syscall, 'getdents64');
    assert.equal(fatal?.kind, 'kill');
    assert.equal(fatal?.location?.range.start.line, 5, 'decided by `default kill_process` (line 6)');
    assert.ok(first.finished.summary[0]?.denied, 'the summary lists denied syscalls first');
    assert.ok(api().panel.visible, 'the trace panel shows the run');

    // Coverage: the rules that decided, and those never reached.
    const coverage = await waitFor('coverage', () => api().coverage.get(uri));
    assert.ok(coverage.some((c) => c.count > 0));

    // Clicking the row reveals the rule.
    await api().runs.reveal(new vscode.Location(uri, new vscode.Range(5, 0, 5, 20)));
    assert.equal(vscode.window.activeTextEditor?.selection.active.line, 5);

    // Allow this syscall: a rule in the buffer, not saved.
    await api().runs.allow(first.header, fatal!, false);
    await waitFor('the new rule', () => /^allow\b.*\bgetdents64\b/m.test(editor.document.getText()));
    assert.ok(editor.document.isDirty, 'the edit is not saved behind the user\'s back');
    const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    assert.doesNotMatch(onDisk, /getdents64/, 'the file on disk is unchanged');

    const second = await runToEnd(() => vscode.commands.executeCommand<RunHeader>('seccompPolicy.testRun', uri, { commandLine: 'ls' }));
    assert.equal(second.finished.status, 0, second.finished.sentence);
    assert.equal(second.finished.fatalSeq, undefined);
    assert.match(api().panel.session.stdout, /run\.seccomp/, 'ls printed the folder');
  });

  test('Test Run (Permissive): nothing is stopped; denied syscalls are marked', async () => {
    const strict = await openPolicy('run.seccomp');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    const { finished } = await runToEnd(() => vscode.commands.executeCommand<RunHeader>('seccompPolicy.testRunPermissive', strict.document.uri, { commandLine: 'ls' }));
    assert.equal(finished.status, 0, finished.sentence);
    const rows = api().panel.session.store.toArray().filter((r) => 'syscall' in r && r.syscall === 'getdents64');
    assert.ok(rows.length > 0, 'ls read the folder');
    assert.ok(rows.every((r) => 'syscall' in r && r.applied === 'permissive' && r.kind === 'kill'), `getdents64 would have been killed: ${JSON.stringify(rows[0])}`);
  });

  test('Stop ends a running program (seccomp/stopRun)', async () => {
    const editor = await openPolicy('run.seccomp');
    const ended: RunFinishedParams[] = [];
    const sub = api().runs.onDidFinish((p) => ended.push(p));
    try {
      const header = await vscode.commands.executeCommand<RunHeader>('seccompPolicy.testRunPermissive', editor.document.uri, { commandLine: 'sleep 30' });
      assert.ok(header);
      // A syscall row, not only a note (spawn, exec): the next test saves this trace and expects rows.
      await waitFor('the program to start', () => api().panel.session.store.toArray().some((r) => 'syscall' in r));
      assert.equal(await vscode.commands.executeCommand('seccompPolicy.stopRun'), true);
      const finished = await waitFor('the end after stop', () => ended.find((p) => p.runId === header.runId), 15_000);
      assert.notEqual(finished.status, 0, finished.sentence);
    } finally {
      sub.dispose();
    }
  });

  test('the trace is saved as strace text and as JSON', async () => {
    const dir = vscode.Uri.joinPath(workspaceFile(), '..', '..', 'artifacts');
    const session = api().panel.session;
    const text = vscode.Uri.joinPath(dir, 'saved-trace.txt');
    const json = vscode.Uri.joinPath(dir, 'saved-trace.json');
    await api().runs.saveTo(session, 'text', text);
    await api().runs.saveTo(session, 'json', json);
    const t = new TextDecoder().decode(await vscode.workspace.fs.readFile(text));
    assert.match(t, /^# seccomp-policy run \(permissive\)/);
    const j = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(json))) as { rows: unknown[] };
    assert.ok(j.rows.length > 0);
  });

  test('a policy with errors is not run: the user is taken to the first error', async () => {
    const editor = await openPolicy('misspelt.seccomp');
    await waitFor('the diagnostic', () => vscode.languages.getDiagnostics(editor.document.uri).some((d) => d.severity === vscode.DiagnosticSeverity.Error));
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const header = await vscode.commands.executeCommand<RunHeader | undefined>('seccompPolicy.testRun', editor.document.uri, { commandLine: 'ls' });
    assert.equal(header, undefined);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), editor.document.uri.toString());
    assert.equal(vscode.window.activeTextEditor?.selection.active.line, 4, 'at `allow opnat`');
    // Compiling it is refused the same way (seccomp/compile answers NotRunnable).
    const listing = await vscode.commands.executeCommand<vscode.Uri | undefined>('seccompPolicy.compile', editor.document.uri, 'disasm');
    assert.equal(listing, undefined);
  });

  test('Learn Policy from Program opens the learned policy in an untitled seccomp editor (seccomp/learn)', async () => {
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('seccompPolicy.learn', 'ls');
    assert.ok(doc, 'a document');
    assert.ok(doc.isUntitled);
    assert.equal(doc.languageId, 'seccomp');
    assert.match(doc.getText(), /^allow getdents64/m);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('Compile: the listing links to policy lines, follows edits, and related lines are found both ways (seccomp/compile)', async () => {
    const editor = await openPolicy('run.seccomp');
    const policy = editor.document.uri;
    const listingUri = await vscode.commands.executeCommand<vscode.Uri>('seccompPolicy.compile', policy, 'disasm');
    const listing = await vscode.workspace.openTextDocument(listingUri);
    const links = await waitFor('document links', async () => {
      const l = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', listingUri);
      return l.length > 0 ? l : undefined;
    });
    assert.ok(links.every((l) => l.target?.path === policy.path), 'links go to the policy');
    assert.match(listing.getText(links[0]!.range), /run\.seccomp:\d+/);
    const openatLine = editor.document.getText().split('\n').findIndex((l) => l.startsWith('allow openat'));
    const related = api().compiled.relatedListingLines(listingUri, openatLine, policy);
    assert.ok(related.length > 0, `the openat rule has instructions (links: ${JSON.stringify(api().compiled.linksOf(listingUri).slice(0, 3))})`);

    const before = listing.getText();
    await editor.edit((e) => e.insert(new vscode.Position(editor.document.lineCount, 0), 'errno(EACCES) mkdir, rmdir\n'));
    await waitFor('the listing to follow the edit', () => listing.getText() !== before && listing.getText());
    await vscode.commands.executeCommand('workbench.action.files.revert');

    for (const [format, language] of [['c', 'c'], ['json', 'json']] as const) {
      const uri = await vscode.commands.executeCommand<vscode.Uri>('seccompPolicy.compile', policy, format);
      const doc = await vscode.workspace.openTextDocument(uri);
      assert.equal(doc.languageId, language);
      assert.ok(doc.getText().length > 100);
    }
  });

  test('a missing helper: the server says it cannot run, and a run is refused with the way out', async () => {
    const config = vscode.workspace.getConfiguration('seccompPolicy');
    const editor = await openPolicy('run.seccomp');
    try {
      // Changing the setting restarts the server with the new helper path.
      await config.update('helper.path', '/nonexistent/seccomp-run', vscode.ConfigurationTarget.Global);
      await waitFor('the server to report it cannot run', () => api().status.status?.canRun === false && api().status.status);
      assert.match(api().status.status?.message ?? '', /helper/i);
      const header = await vscode.commands.executeCommand<RunHeader | undefined>('seccompPolicy.testRun', editor.document.uri, { commandLine: 'ls' });
      assert.equal(header, undefined, 'no run without a helper');
    } finally {
      await config.update('helper.path', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('the server to run programs again', () => api().status.status?.canRun === true);
  });

  test('Show Syscall Documentation lists every syscall and shows one (seccomp/syscallList, seccomp/syscallDoc)', async () => {
    const list = await api().client!.sendRequest<SyscallListItem[]>(syscallListRequest.method, {});
    assert.ok(list.length > 300, `${list.length} syscalls`);
    assert.ok(list.some((s) => s.name === 'openat' && s.summary.length > 0));
    const uri = await vscode.commands.executeCommand<vscode.Uri>('seccompPolicy.showSyscallDoc', 'openat');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.match(doc.getText(), /openat/);
  });
});
