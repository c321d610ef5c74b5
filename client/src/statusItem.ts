/**
 * Two language status items for seccomp files: the server's state (from
 * its `seccomp/serverStatus` notification: running, and whether programs
 * can be run here) and the active policy's ABIs and filter size (asked with
 * `seccomp/policyInfo` when the policy's diagnostics change).
 */
import * as vscode from 'vscode';
import { policyInfoRequest, type ServerStatusParams } from '../../server/src/lsp/ext';
import { HELPER_SETTING } from './notRunnable';
import { LANGUAGE_ID } from './policyTarget';
import type { Server } from './server';

const SELECTOR: vscode.DocumentSelector = { language: LANGUAGE_ID };
const REFRESH_MS = 250;

export class StatusItems implements vscode.Disposable {
  private readonly serverItem = vscode.languages.createLanguageStatusItem('seccompPolicy.server', SELECTOR);
  private readonly policyItem = vscode.languages.createLanguageStatusItem('seccompPolicy.policy', SELECTOR);
  private readonly subscriptions: vscode.Disposable[];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The last status the server sent (also for tests). */
  status: ServerStatusParams | undefined;
  /** How many times the server was shown as stopped by a failure (for tests). */
  failures = 0;

  constructor(private readonly server: Server, private readonly outputCommand: string) {
    this.serverItem.name = 'Seccomp Policy Language Server';
    this.policyItem.name = 'Seccomp Policy Filter';
    this.starting();
    this.policyItem.text = '$(shield) …';
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule()),
      vscode.languages.onDidChangeDiagnostics((e) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (active && e.uris.some((u) => u.toString() === active)) this.schedule();
      }),
    ];
    this.schedule();
  }

  starting(): void {
    this.serverItem.text = '$(sync~spin) Seccomp: starting';
    this.serverItem.severity = vscode.LanguageStatusSeverity.Information;
    this.serverItem.busy = true;
  }

  stopped(message: string): void {
    this.failures++;
    this.serverItem.text = '$(error) Seccomp: server stopped';
    this.serverItem.detail = message;
    this.serverItem.severity = vscode.LanguageStatusSeverity.Error;
    this.serverItem.busy = false;
    this.serverItem.command = { title: 'Restart', command: 'seccompPolicy.restartServer' };
  }

  setStatus(s: ServerStatusParams): void {
    this.status = s;
    this.serverItem.busy = false;
    this.serverItem.severity = s.health === 'ok' ? vscode.LanguageStatusSeverity.Information
      : s.health === 'warning' ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Error;
    this.serverItem.text = s.health === 'ok' ? '$(check) Seccomp: ready' : s.canRun ? '$(warning) Seccomp' : '$(warning) Seccomp: cannot run programs';
    this.serverItem.detail = s.message ?? (s.canRun ? 'checks, compiles and runs programs' : 'checks and compiles; running is not possible here');
    this.serverItem.command = /helper/i.test(s.message ?? '')
      ? { title: 'Open Settings', command: 'workbench.action.openSettings', arguments: [HELPER_SETTING] }
      : { title: 'Show Output', command: this.outputCommand };
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), REFRESH_MS);
  }

  private async refresh(): Promise<void> {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== LANGUAGE_ID) return;
    try {
      const info = await this.server.request(policyInfoRequest, { uri: doc.uri.toString() });
      const abis = info.abis.length ? info.abis.join(', ') : 'no arch';
      this.policyItem.text = info.instructions === undefined
        ? `$(shield) ${abis} · ${info.errors} ${info.errors === 1 ? 'error' : 'errors'}`
        : `$(shield) ${abis} · ${info.instructions} instructions`;
      this.policyItem.detail = info.instructions === undefined ? 'fix the errors to compile' : 'the compiled filter';
      this.policyItem.severity = info.errors > 0 ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
      this.policyItem.command = { title: 'Show the listing', command: 'seccompPolicy.compile', arguments: [doc.uri, 'disasm'] };
    } catch {
      this.policyItem.text = '$(shield) Seccomp policy';
      this.policyItem.detail = undefined;
    }
  }

  /** The texts shown (for tests). */
  get texts(): { server: string; policy: string } {
    return { server: this.serverItem.text, policy: this.policyItem.text };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subscriptions.forEach((s) => s.dispose());
    this.serverItem.dispose();
    this.policyItem.dispose();
  }
}
