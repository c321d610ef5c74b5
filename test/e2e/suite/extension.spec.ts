/**
 * Runs inside a real VS Code extension host with the extension loaded from
 * the repository for development, and the folder test/e2e/fixtures/workspace
 * open: activation, diagnostics, the restart command, and the language
 * features as VS Code's own providers see them (hover, completion).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, suiteTeardown, test } from './mocha-tdd';

const EXTENSION_NAME = 'seccomp-policy';

function workspaceFile(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open (test/e2e/fixtures/workspace)');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

function ourExtension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.all.find((e) => (e.packageJSON as { name?: string }).name === EXTENSION_NAME);
  assert.ok(ext, `extension ${EXTENSION_NAME} is loaded`);
  return ext;
}

/** Retries an async probe until it gives a value (the server may still be starting). */
async function waitForAsync<T>(what: string, probe: () => Thenable<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function hoverText(h: vscode.Hover): string {
  return h.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function misspeltDiagnostic(uri: vscode.Uri): vscode.Diagnostic | undefined {
  return vscode.languages
    .getDiagnostics(uri)
    .find((d) => d.severity === vscode.DiagnosticSeverity.Error && d.message.includes('opnat'));
}

suite('Seccomp Policy extension', () => {
  suiteSetup(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  suiteTeardown(async () => {
    // Leave the fixtures untouched on disk.
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the seccomp language is registered', async () => {
    const languages = await vscode.languages.getLanguages();
    assert.ok(languages.includes('seccomp'), `languages: ${languages.join(', ')}`);
  });

  test('a .seccomp file opens with language id seccomp', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceFile('policy.seccomp'));
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'seccomp');
  });

  test('the extension activates for a .seccomp file and its language client runs', async () => {
    const ext = ourExtension();
    await waitFor('the extension to activate', () => ext.isActive);
    const api = ext.exports as { client?: { isRunning(): boolean } } | undefined;
    assert.ok(api?.client, 'activate() returns the API with the language client');
    await waitFor('the language client to run', () => api.client!.isRunning());
  });

  test('the manifest contributes the settings and the restart command', async () => {
    const config = vscode.workspace.getConfiguration('seccompPolicy');
    assert.equal(config.get('trace.server'), 'off');
    assert.deepEqual(config.get('abis'), []);
    assert.equal(config.get('maxNumberOfProblems'), 1000);
    assert.equal(config.get('inlayHints.syscallNumbers'), false);
    assert.equal(config.get('lint.dangerous'), 'information');
    assert.equal(config.get('lint.hints'), 'information');
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('seccompPolicy.restartServer'));
  });

  test('a misspelt syscall gets an error diagnostic at its place', async () => {
    const uri = workspaceFile('misspelt.seccomp');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const d = await waitFor('the diagnostic for `opnat`', () => misspeltDiagnostic(uri));
    const line = doc.lineAt(4).text;
    assert.equal(line, 'allow opnat');
    assert.equal(d.range.start.line, 4);
    assert.equal(doc.getText(d.range), 'opnat', `range ${JSON.stringify(d.range)}`);
  });

  test('diagnostics follow edits of the unsaved document', async () => {
    const uri = workspaceFile('misspelt.seccomp');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const start = new vscode.Position(4, 'allow '.length);
    const wrong = new vscode.Range(start, start.translate(0, 'opnat'.length));
    assert.ok(await editor.edit((e) => e.replace(wrong, 'openat')));
    await waitFor('the diagnostic to go away after the fix', () => misspeltDiagnostic(uri) === undefined);
    const right = new vscode.Range(start, start.translate(0, 'openat'.length));
    assert.ok(await editor.edit((e) => e.replace(right, 'opnat')));
    await waitFor('the diagnostic to come back', () => misspeltDiagnostic(uri));
    assert.ok(doc.isDirty);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.ok(!doc.isDirty);
  });

  test('hovering a syscall shows its signature, numbers and man page', async () => {
    const uri = workspaceFile('policy.seccomp');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const offset = doc.getText().indexOf('allow openat') + 'allow op'.length;
    const position = doc.positionAt(offset);
    const text = await waitForAsync('a hover on openat', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
      const t = hovers.map(hoverText).join('\n');
      return /int openat\(/.test(t) ? t : undefined;
    });
    assert.match(text, /x86_64 257 · aarch64 56/);
    assert.match(text, /man7\.org\/linux\/man-pages\/man2\/openat\.2\.html/);
  });

  test('hovering a constant shows its value per ABI', async () => {
    const uri = workspaceFile('policy.seccomp');
    const doc = await vscode.workspace.openTextDocument(uri);
    const position = doc.positionAt(doc.getText().indexOf('CLONE_NEWUSER') + 2);
    const text = await waitForAsync('a hover on CLONE_NEWUSER', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
      return hovers.length ? hovers.map(hoverText).join('\n') : undefined;
    });
    assert.match(text, /`CLONE_NEWUSER` = 0x10000000 \(268435456\)/);
  });

  test('completion after an action offers syscalls and groups; inside `if`, the fitting constants', async () => {
    const doc = await vscode.workspace.openTextDocument({
      language: 'seccomp',
      content: 'arch x86_64\ndefault errno(EPERM)\nallow \nallow socket if domain == \n',
    });
    await vscode.window.showTextDocument(doc);
    const labels = (list: vscode.CompletionList) => list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    const afterAction = await waitForAsync('syscall completions', async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(2, 6));
      return list.items.length > 100 ? labels(list) : undefined;
    });
    for (const want of ['openat', 'read', '@basic-io']) assert.ok(afterAction.includes(want), want);
    const domain = labels(await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(3, 26)));
    assert.ok(domain.includes('AF_INET') && domain.includes('AF_UNIX'), domain.slice(0, 10).join(', '));
    assert.ok(!domain.includes('O_CREAT'));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('seccompPolicy.compile shows the annotated BPF listing of the policy, read-only', async () => {
    const uri = workspaceFile('policy.seccomp');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const listingUri = await vscode.commands.executeCommand<vscode.Uri>('seccompPolicy.compile', uri.toString(), 'disasm');
    assert.ok(listingUri, 'the command returns the listing it opened');
    assert.equal(listingUri.scheme, 'seccomp-bpf', 'a virtual, read-only document (closing it never asks to save)');
    const listing = await vscode.workspace.openTextDocument(listingUri);
    assert.match(listing.getText(), /^0000: ld \[4\]/);
    assert.match(listing.getText(), /policy\.seccomp:\d+/);
    assert.ok(!listing.isDirty && !listing.isUntitled);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the code lens offers the filter size and a test run', async () => {
    const uri = workspaceFile('policy.seccomp');
    const lenses = await waitForAsync('code lenses', async () => {
      const list = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return list && list.length >= 2 ? list : undefined;
    });
    const commands = lenses.map((l) => l.command?.command);
    assert.ok(commands.includes('seccompPolicy.compile') && commands.includes('seccompPolicy.testRun'), commands.join(', '));
    const known = await vscode.commands.getCommands(true);
    assert.ok(known.includes('seccompPolicy.testRun'), 'the test-run command is registered');
    assert.match(lenses.find((l) => l.command?.command === 'seccompPolicy.compile')!.command!.title, /^BPF: x86_64 \d+/);
  });

  test('seccompPolicy.restartServer restarts the server and diagnostics come back', async () => {
    const uri = workspaceFile('misspelt.seccomp');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await waitFor('the diagnostic before the restart', () => misspeltDiagnostic(uri));
    await vscode.commands.executeCommand('seccompPolicy.restartServer');
    const api = ourExtension().exports as { client?: { isRunning(): boolean } };
    await waitFor('the client to run again', () => api.client?.isRunning());
    await waitFor('the diagnostic after the restart', () => misspeltDiagnostic(uri));
  });

  test('two restarts asked for at once: no start fails, and the server runs after both', async () => {
    const uri = workspaceFile('misspelt.seccomp');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const api = ourExtension().exports as { client?: { isRunning(): boolean }; status: { failures: number } };
    const failures = api.status.failures;
    const first = vscode.commands.executeCommand('seccompPolicy.restartServer');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await Promise.all([first, vscode.commands.executeCommand('seccompPolicy.restartServer')]);
    await waitFor('the client to run again', () => api.client?.isRunning());
    await waitFor('the diagnostic after the restarts', () => misspeltDiagnostic(uri));
    assert.equal(api.status.failures, failures, 'a start failure was reported');
  });
});
