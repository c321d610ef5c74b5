/**
 * Asking for the program to run: an input box with the last command line
 * used for this policy (kept in the workspace state), or the
 * `seccompPolicy.run.commandLine` setting, and split like a shell would.
 */
import * as vscode from 'vscode';
import { splitCommandLine } from './commandLine';
import { runSettings } from './config';

const LAST_COMMAND_KEY = 'seccompPolicy.lastCommandLine';

export function lastCommandLine(state: vscode.Memento, key: string, scope: vscode.Uri | undefined): string {
  return state.get<string>(`${LAST_COMMAND_KEY}:${key}`) ?? runSettings(scope).commandLine;
}

export async function rememberCommandLine(state: vscode.Memento, key: string, line: string): Promise<void> {
  await state.update(`${LAST_COMMAND_KEY}:${key}`, line);
}

/** Asks for a command line; undefined when cancelled. */
export async function askCommandLine(title: string, value: string): Promise<{ line: string; argv: string[] } | undefined> {
  const line = await vscode.window.showInputBox({
    title,
    prompt: 'The program and its arguments (started directly, not through a shell)',
    value,
    placeHolder: 'ls -l /',
    ignoreFocusOut: true,
    validateInput: (text) => {
      const r = splitCommandLine(text);
      return 'error' in r ? r.error : r.argv.length === 0 ? 'Type a program to run' : undefined;
    },
  });
  if (line === undefined) return undefined;
  const split = splitCommandLine(line);
  if ('error' in split || split.argv.length === 0) return undefined;
  return { line, argv: split.argv };
}
