/**
 * The extension's commands over the bundled CLI (bin/seccomp-policy): compile a
 * policy and show the annotated listing, and test-run a program under a
 * policy in a terminal. The CLI does the work; this file only asks and shows.
 */
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { splitCommandLine } from './commandLine';

export const COMPILE_COMMAND = 'seccompPolicy.compile';
export const TEST_RUN_COMMAND = 'seccompPolicy.testRun';
/** The CLI's entry script (dist/cli.js only defines it; this runs it). */
const CLI = 'bin/seccomp-policy';
const LAST_COMMAND_KEY = 'seccompPolicy.lastTestRunCommand';

/** The policy a command acts on: the argument (from a code lens) or the active editor. */
async function policyDocument(arg: unknown): Promise<vscode.TextDocument | undefined> {
  const uri = typeof arg === 'string' ? vscode.Uri.parse(arg) : arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (!uri) {
    void vscode.window.showErrorMessage('Seccomp Policy: open a .seccomp file first.');
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('Seccomp Policy: save the policy to a file first.');
    return undefined;
  }
  // The CLI reads the file from disk: compile what the user sees.
  if (doc.isDirty && !(await doc.save())) return undefined;
  return doc;
}

export function registerCommands(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): void {
  const cli = context.asAbsolutePath(CLI);
  context.subscriptions.push(
    vscode.commands.registerCommand(COMPILE_COMMAND, async (arg?: unknown) => {
      const doc = await policyDocument(arg);
      if (!doc) return;
      const listing = await new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
        execFile(process.execPath, [cli, 'compile', doc.uri.fsPath, '--format', 'disasm'], { maxBuffer: 64 * 1024 * 1024 },
          (err, stdout, stderr) => resolve({ stdout, stderr, code: err ? (typeof err.code === 'number' ? err.code : 1) : 0 }));
      });
      if (listing.code !== 0) {
        output.error(listing.stderr);
        void vscode.window.showErrorMessage(`Seccomp Policy: ${doc.uri.fsPath} was not compiled (see the Problems panel).`, 'Show Output')
          .then((choice) => { if (choice) output.show(true); });
        return;
      }
      const shown = await vscode.workspace.openTextDocument({ content: listing.stdout, language: 'plaintext' });
      await vscode.window.showTextDocument(shown, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    }),
    vscode.commands.registerCommand(TEST_RUN_COMMAND, async (arg?: unknown) => {
      const doc = await policyDocument(arg);
      if (!doc) return;
      const last = context.workspaceState.get<string>(`${LAST_COMMAND_KEY}:${doc.uri.toString()}`) ?? '';
      const line = await vscode.window.showInputBox({
        title: 'Test run under this policy',
        prompt: 'The program and its arguments (started directly, not through a shell)',
        value: last,
        placeHolder: '/bin/ls -l /',
        validateInput: (text) => {
          const r = splitCommandLine(text);
          return 'error' in r ? r.error : r.argv.length === 0 ? 'type a command' : undefined;
        },
      });
      if (line === undefined) return;
      const split = splitCommandLine(line);
      if ('error' in split) return;
      await context.workspaceState.update(`${LAST_COMMAND_KEY}:${doc.uri.toString()}`, line);
      const mode = await vscode.window.showQuickPick([
        { label: 'Enforce', description: 'the kernel applies the filter: see what really happens', args: [] as string[] },
        { label: 'Permissive', description: 'nothing is stopped: list every syscall the policy would deny', args: ['--permissive'] },
        { label: 'Enforce, filter installed after exec', description: 'for policies that do not allow execve', args: ['--install', 'after-exec'] },
      ], { title: 'How to run it' });
      if (!mode) return;
      const terminal = vscode.window.createTerminal({
        name: `seccomp run: ${split.argv[0]}`,
        shellPath: process.execPath,
        shellArgs: [cli, 'run', ...mode.args, doc.uri.fsPath, '--', ...split.argv],
        cwd: vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath,
      });
      terminal.show();
    }),
  );
}
