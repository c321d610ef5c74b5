/**
 * Learn Policy from Program…: the server runs the program with no filter and
 * writes the smallest policy that lets that run succeed; it opens in a new
 * untitled seccomp editor (nothing is written to disk).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { learnRequest } from '../../server/src/lsp/ext';
import { splitCommandLine } from './commandLine';
import { askCommandLine, lastCommandLine, rememberCommandLine } from './commandLineInput';
import { runSettings } from './config';
import { explainCannotRun, showNotRunnable } from './notRunnable';
import { LANGUAGE_ID } from './policyTarget';
import { errorText, type Server } from './server';

const LEARN_KEY = 'learn';

export async function learnPolicy(server: Server, state: vscode.Memento, commandLine?: string): Promise<vscode.TextDocument | undefined> {
  if (explainCannotRun()) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  let argv: string[];
  if (commandLine === undefined) {
    const asked = await askCommandLine('Learn a policy: run a program with no filter and record its syscalls', lastCommandLine(state, LEARN_KEY, folder));
    if (!asked) return undefined;
    argv = asked.argv;
    await rememberCommandLine(state, LEARN_KEY, asked.line);
  } else {
    const split = splitCommandLine(commandLine);
    if ('error' in split || split.argv.length === 0) return undefined;
    argv = split.argv;
  }
  const settings = runSettings(folder);
  let cancelled = false;
  const result = await vscode.window.withProgress(
    // Cancel stops the program in the server (the request's cancellation) and learns nothing.
    { location: vscode.ProgressLocation.Notification, title: `Learning a policy from ${path.basename(argv[0]!)}…`, cancellable: true },
    (_progress, token) => {
      token.onCancellationRequested(() => { cancelled = true; });
      return server.request(learnRequest, {
        argv,
        ...(folder?.scheme === 'file' ? { cwd: folder.fsPath } : {}),
        ...(settings.timeout ? { timeout: settings.timeout } : {}),
      }, token);
    },
  ).then((r) => r, (err: unknown) => {
    if (!cancelled) void vscode.window.showErrorMessage(`Seccomp Policy: learning failed: ${errorText(err)}`);
    return undefined;
  });
  if (cancelled) {
    void vscode.window.setStatusBarMessage('Seccomp Policy: learning cancelled; the program was stopped', 5000);
    return undefined;
  }
  if (!result) return undefined;
  if (!result.ok) {
    await showNotRunnable(server, result, undefined);
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: result.text });
  await vscode.window.showTextDocument(doc);
  if (result.warning) void vscode.window.showWarningMessage(`Seccomp Policy: ${result.warning}`);
  return doc;
}
