/**
 * Test runs: ask the server to run a program under the policy (the open
 * buffer, unsaved edits included), and route its batched events and its end
 * to the trace panel and to coverage. Also the panel's actions: reveal a
 * rule, allow a denied syscall, run again, stop, save, and in ask mode
 * answer the open question ("allow always" edits the policy's buffer, which
 * stays unsaved).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  allowSyscallRequest,
  runAnswerRequest,
  runRequest,
  stopRunRequest,
  type AskAnswerKind,
  type RunAnswerResult,
  type RunAskParams,
  type RunEventsParams,
  type RunFinishedParams,
  type RunMode,
  type TraceRow,
} from '../../server/src/lsp/ext';
import type { RunHeader } from '../shared/panelProtocol';
import { toStraceText, toTraceJson } from '../shared/traceText';
import { splitCommandLine } from './commandLine';
import { askCommandLine, lastCommandLine, rememberCommandLine } from './commandLineInput';
import { runSettings } from './config';
import type { Coverage } from './coverage';
import { explainCannotRun, showNotRunnable } from './notRunnable';
import type { TracePanel, TracePanelActions } from './panel/tracePanel';
import type { TraceSession } from './panel/traceSession';
import { goToFirstError, revealInPolicy } from './policyTarget';
import { errorText, type Server } from './server';

/** Options a caller (a test, the walkthrough) may pass to skip the questions. */
export interface TestRunOptions {
  readonly commandLine?: string;
  readonly argv?: readonly string[];
  /** Ask mode: each call the policy does not simply allow waits for an answer in the panel. */
  readonly ask?: boolean;
}

export class Runs implements TracePanelActions {
  private readonly finishedEmitter = new vscode.EventEmitter<RunFinishedParams>();
  /** Fires when a run ends (the panel has its rows by then). */
  readonly onDidFinish = this.finishedEmitter.event;
  private readonly startedEmitter = new vscode.EventEmitter<RunHeader>();
  readonly onDidStart = this.startedEmitter.event;
  private panel!: TracePanel;
  private readonly highlight = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    border: '1px solid',
    borderColor: new vscode.ThemeColor('editor.rangeHighlightBorder'),
  });

  constructor(
    private readonly server: Server,
    private readonly state: vscode.Memento,
    private readonly coverage: Coverage,
  ) {}

  setPanel(panel: TracePanel): void {
    this.panel = panel;
  }

  /** Test Run…: asks for the command line (remembered per policy) and runs it. */
  async testRun(doc: vscode.TextDocument, mode: RunMode, options: TestRunOptions = {}): Promise<RunHeader | undefined> {
    if (explainCannotRun()) return undefined;
    // A policy with errors is not run: say so before asking anything.
    if (vscode.languages.getDiagnostics(doc.uri).some((d) => d.severity === vscode.DiagnosticSeverity.Error)) {
      void vscode.window.showErrorMessage(`Seccomp Policy: ${path.basename(doc.uri.path)} has errors; fix them to run a program under it.`);
      await goToFirstError(doc.uri);
      return undefined;
    }
    const key = doc.uri.toString();
    let argv = options.argv;
    if (!argv) {
      let line = options.commandLine;
      if (line === undefined) {
        const prompt = options.ask ? 'Run in ask mode: you answer each call the policy does not simply allow'
          : mode === 'permissive' ? 'Test run (permissive): nothing is stopped' : 'Test run under this policy';
        const asked = await askCommandLine(prompt, lastCommandLine(this.state, key, doc.uri));
        if (!asked) return undefined;
        line = asked.line;
        argv = asked.argv;
      } else {
        const split = splitCommandLine(line);
        if ('error' in split || split.argv.length === 0) {
          void vscode.window.showErrorMessage(`Seccomp Policy: cannot run \`${line}\`: ${'error' in split ? split.error : 'no program'}.`);
          return undefined;
        }
        argv = split.argv;
      }
      await rememberCommandLine(this.state, key, line);
    }
    return this.start(doc.uri, argv, mode, options.ask === true);
  }

  /** Starts a run; the panel shows it. `ask`: ask mode (enforce only). */
  async start(policy: vscode.Uri, argv: readonly string[], mode: RunMode, ask = false): Promise<RunHeader | undefined> {
    if (ask) mode = 'enforce';
    const settings = runSettings(policy);
    const folder = vscode.workspace.getWorkspaceFolder(policy);
    const cwd = folder?.uri.scheme === 'file' ? folder.uri.fsPath : policy.scheme === 'file' ? path.dirname(policy.fsPath) : undefined;
    let result;
    try {
      result = await this.server.request(runRequest, {
        uri: policy.toString(),
        argv,
        mode,
        ...(ask ? { ask: true } : {}),
        install: settings.install,
        ...(cwd ? { cwd } : {}),
        ...(settings.timeout ? { timeout: settings.timeout } : {}),
        ...(settings.stringLimit ? { stringLimit: settings.stringLimit } : {}),
      });
    } catch (err) {
      void vscode.window.showErrorMessage(`Seccomp Policy: the run did not start: ${errorText(err)}`);
      return undefined;
    }
    if (!result.ok) {
      await showNotRunnable(this.server, result, policy);
      return undefined;
    }
    const header: RunHeader = {
      runId: result.runId,
      policyUri: policy.toString(),
      policyLabel: vscode.workspace.asRelativePath(policy, false),
      argv,
      mode,
      ...(ask ? { ask: true } : {}),
      startedAt: Date.now(),
    };
    this.coverage.clear(policy);
    this.panel.startRun(header);
    this.startedEmitter.fire(header);
    return header;
  }

  onEvents(p: RunEventsParams): void {
    this.panel.events(p);
  }

  onAsk(p: RunAskParams): void {
    this.panel.ask(p);
  }

  onFinished(p: RunFinishedParams): void {
    const header = this.panel.session.header;
    this.panel.finished(p);
    if (header?.runId === p.runId) {
      this.coverage.show(vscode.Uri.parse(header.policyUri), p.coverage.map((c) => ({ location: this.server.location(c.location), count: c.count })));
    }
    this.finishedEmitter.fire(p);
  }

  async stopCurrent(): Promise<boolean> {
    const header = this.panel.session.header;
    if (!header || !this.panel.session.running) return false;
    await this.stop(header);
    return true;
  }

  // ── the panel's actions ──

  async reveal(location: vscode.Location): Promise<void> {
    await revealInPolicy(location, this.highlight);
  }

  async allow(header: RunHeader, row: TraceRow, withArgs: boolean): Promise<void> {
    let result;
    try {
      result = await this.server.request(allowSyscallRequest, {
        uri: header.policyUri,
        syscall: row.syscall,
        ...(row.abi ? { abi: row.abi } : {}),
        ...(withArgs && row.args ? { args: row.args } : {}),
      });
    } catch (err) {
      void vscode.window.showErrorMessage(`Seccomp Policy: could not allow ${row.syscall}: ${errorText(err)}`);
      return;
    }
    const client = this.server.client;
    if (!result.edit || !client) {
      void vscode.window.showInformationMessage(`Seccomp Policy: ${result.message ?? `no rule to add for ${row.syscall}`}`);
      return;
    }
    const edit = await client.protocol2CodeConverter.asWorkspaceEdit(result.edit);
    // Applied to the buffer, not saved: the user decides when to save; the next run uses the buffer.
    if (!(await vscode.workspace.applyEdit(edit))) {
      void vscode.window.showErrorMessage(`Seccomp Policy: the rule for ${row.syscall} could not be inserted (the policy changed?).`);
      return;
    }
    if (result.range) await this.reveal(new vscode.Location(vscode.Uri.parse(header.policyUri), this.server.range(result.range)));
    if (result.message) void vscode.window.setStatusBarMessage(`Seccomp Policy: ${result.message}`, 5000);
  }

  async rerun(header: RunHeader, mode: RunMode, ask?: boolean): Promise<void> {
    if (explainCannotRun()) return;
    // Switching to permissive leaves ask mode; otherwise as asked, else as the last run.
    const asking = mode === 'permissive' ? false : ask ?? header.ask === true;
    await this.start(vscode.Uri.parse(header.policyUri), header.argv, mode, asking);
  }

  async answer(header: RunHeader, questionId: string, answer: AskAnswerKind): Promise<RunAnswerResult> {
    let result: RunAnswerResult;
    try {
      result = await this.server.request(runAnswerRequest, { runId: header.runId, questionId, answer });
    } catch (err) {
      return { accepted: false, message: `the answer did not reach the server: ${errorText(err)}` };
    }
    const client = this.server.client;
    if (result.accepted && result.edit && client) {
      const edit = await client.protocol2CodeConverter.asWorkspaceEdit(result.edit);
      // Applied to the buffer, not saved (as "Allow this syscall"): the user decides when to save.
      if (await vscode.workspace.applyEdit(edit)) void vscode.window.setStatusBarMessage(`Seccomp Policy: added \`${result.message ?? 'the rule'}\` (unsaved)`, 5000);
      else void vscode.window.showErrorMessage('Seccomp Policy: the rule could not be inserted (the policy changed?); the call was allowed for this run.');
    } else if (result.accepted && answer === 'always' && result.message) {
      void vscode.window.setStatusBarMessage(`Seccomp Policy: ${result.message}`, 5000);
    }
    return result;
  }

  async stop(header: RunHeader): Promise<void> {
    try {
      await this.server.request(stopRunRequest, { runId: header.runId });
    } catch (err) {
      void vscode.window.showErrorMessage(`Seccomp Policy: could not stop the program: ${errorText(err)}`);
    }
  }

  async save(session: TraceSession, format: 'text' | 'json'): Promise<void> {
    const snapshot = session.snapshot();
    const policy = snapshot.header ? vscode.Uri.parse(snapshot.header.policyUri) : undefined;
    const program = snapshot.header ? path.basename(snapshot.header.argv[0] ?? 'trace') : 'trace';
    const base = policy?.scheme === 'file' ? vscode.Uri.file(path.dirname(policy.fsPath)) : vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `${program}.${format === 'json' ? 'trace.json' : 'strace.txt'}`;
    const target = await vscode.window.showSaveDialog({
      title: 'Save the trace',
      ...(base ? { defaultUri: vscode.Uri.joinPath(base, name) } : {}),
      filters: format === 'json' ? { JSON: ['json'] } : { Text: ['txt', 'log'] },
    });
    if (!target) return;
    await this.saveTo(session, format, target);
  }

  async saveTo(session: TraceSession, format: 'text' | 'json', target: vscode.Uri): Promise<void> {
    const snapshot = session.snapshot();
    const text = format === 'json' ? toTraceJson(snapshot) : toStraceText(snapshot);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  }

  dispose(): void {
    this.highlight.dispose();
    this.finishedEmitter.dispose();
    this.startedEmitter.dispose();
  }
}
