/**
 * What the user sees when the server says a compile, run or learn cannot
 * happen: its sentence, and the way out (the first error, the helper
 * setting, the trust dialog).
 */
import * as vscode from 'vscode';
import type { NotRunnable } from '../../server/src/lsp/ext';
import { cannotRunReason, type CannotRun } from './canRun';
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
export function whyCannotRun(): CannotRun | undefined {
  return cannotRunReason(process.platform, vscode.workspace.isTrusted);
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
