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
    case 'no-helper': {
      const choice = await vscode.window.showErrorMessage(`Seccomp Policy: ${r.message}`, 'Open Settings');
      if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', HELPER_SETTING);
      return;
    }
    case 'untrusted': {
      const choice = await vscode.window.showWarningMessage(`Seccomp Policy: ${r.message}`, 'Manage Workspace Trust');
      if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
      return;
    }
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

export async function explainCannotRun(): Promise<boolean> {
  const why = whyCannotRun();
  if (!why) return false;
  if (why.trust) {
    const choice = await vscode.window.showWarningMessage(`Seccomp Policy: ${why.message}`, 'Manage Workspace Trust');
    if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
  } else {
    void vscode.window.showErrorMessage(`Seccomp Policy: ${why.message}`);
  }
  return true;
}
