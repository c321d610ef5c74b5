/**
 * What the user sees when the server says a compile, run or learn cannot
 * happen: its sentence, and the way out (the first error, the helper
 * setting, the trust dialog).
 */
import * as vscode from 'vscode';
import type { NotRunnable } from '../../server/src/lsp/ext';
import { goToFirstError, revealInPolicy } from './policyTarget';
import type { Server } from './server';

export const HELPER_SETTING = 'seccompPolicy.helper.path';

export async function showNotRunnable(server: Server, r: NotRunnable, policy: vscode.Uri | undefined): Promise<void> {
  switch (r.reason) {
    case 'policy-errors':
    case 'too-large': {
      void vscode.window.showErrorMessage(`Seccomp Policy: ${r.message}`);
      if (r.location) await revealInPolicy(server.location(r.location));
      else if (policy) await goToFirstError(policy);
      return;
    }
    // The messages are not awaited: a command ends when it has said why, not when the toast is dismissed.
    case 'no-helper':
      void vscode.window.showErrorMessage(`Seccomp Policy: ${r.message}`, 'Open Settings').then((choice) => {
        if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', HELPER_SETTING);
      });
      return;
    case 'untrusted':
      void vscode.window.showWarningMessage(`Seccomp Policy: ${r.message}`, 'Manage Workspace Trust').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
      });
      return;
    default:
      void vscode.window.showErrorMessage(`Seccomp Policy: ${r.message}`);
  }
}

/** Why this window cannot run programs, or undefined when it can (checked before asking for a command line). */
export function whyCannotRun(): { message: string; trust: boolean } | undefined {
  if (process.platform !== 'linux') {
    return {
      message: `Running a program under a seccomp policy needs Linux (this extension host runs on ${process.platform}). Open the folder in a Remote (SSH, Dev Container) or WSL window to run it there.`,
      trust: false,
    };
  }
  if (!vscode.workspace.isTrusted) {
    return {
      message: 'Running and learning start programs, so they are disabled in Restricted Mode. Trust this workspace to use them; editing, checking and compiling work without.',
      trust: true,
    };
  }
  return undefined;
}

export function explainCannotRun(): boolean {
  const why = whyCannotRun();
  if (!why) return false;
  if (why.trust) {
    void vscode.window.showWarningMessage(`Seccomp Policy: ${why.message}`, 'Manage Workspace Trust').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  } else {
    void vscode.window.showErrorMessage(`Seccomp Policy: ${why.message}`);
  }
  return true;
}
