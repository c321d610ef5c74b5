/**
 * The VS Code extension entry point. A thin client: it starts the bundled
 * language server (languageClient.ts) and shows what the server answers:
 * test runs in the trace panel (runs.ts, panel/), compiled output as
 * read-only documents (compiled.ts), syscall documentation, coverage and
 * status. Everything about the language, compiling and running comes from
 * the server through the typed requests of server/src/lsp/ext.ts; the
 * extension host starts no process of its own.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { runAskNotification, runEventsNotification, runFinishedNotification, serverStatusNotification } from '../../server/src/lsp/ext';
import { COMMANDS, registerCommands } from './commands';
import { CompiledDocuments } from './compiled';
import { maxTraceRows } from './config';
import { Coverage } from './coverage';
import { ensureHelperExecutable } from './helperFile';
import { createLanguageClient } from './languageClient';
import { TracePanel } from './panel/tracePanel';
import { Runs } from './runs';
import { Server } from './server';
import { StatusItems } from './statusItem';
import { serialRestart } from './serialRestart';
import { SyscallDocs } from './syscallDocs';

export const OUTPUT_CHANNEL_NAME = 'Seccomp Policy';
export const RESTART_COMMAND = COMMANDS.restartServer;

/** What `vscode.extensions.getExtension(...).exports` gives (used by tests). */
export interface SeccompPolicyApi {
  /** The running language client, if it started. */
  readonly client: LanguageClient | undefined;
  readonly runs: Runs;
  readonly panel: TracePanel;
  readonly compiled: CompiledDocuments;
  readonly coverage: Coverage;
  readonly status: StatusItems;
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<SeccompPolicyApi> {
  const output = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  context.subscriptions.push(output);

  if (process.platform === 'linux') {
    const helper = await ensureHelperExecutable(context.extensionPath);
    if (helper === 'fixed') output.info('The trace helper had lost its execute bit; restored.');
    else if (helper !== 'ok') output.warn(`Trace helper: ${helper}`);
  }

  client = createLanguageClient(context, output);
  const server = new Server(() => client);
  const coverage = new Coverage();
  const runs = new Runs(server, context.workspaceState, coverage);
  const panel = new TracePanel(context.extensionUri, runs, maxTraceRows);
  runs.setPanel(panel);
  const compiled = new CompiledDocuments(server);
  const docs = new SyscallDocs(server);
  const status = new StatusItems(server, COMMANDS.showOutput);
  context.subscriptions.push(runs, panel, compiled, docs, status, panel.registerSerializer());

  // Handlers registered before start stay registered across restarts.
  client.onNotification(runEventsNotification, (p) => runs.onEvents(p));
  client.onNotification(runFinishedNotification, (p) => runs.onFinished(p));
  client.onNotification(runAskNotification, (p) => runs.onAsk(p));
  client.onNotification(serverStatusNotification, (p) => status.setStatus(p));

  const restart = serialRestart(async () => {
    if (!client) return;
    output.info('Restarting the language server');
    status.starting();
    try {
      await client.restart();
    } catch (err) {
      reportStartFailure(output, status, err);
    }
  });
  registerCommands(context, { server, runs, panel, compiled, docs, state: context.workspaceState, extensionUri: context.extensionUri, restart, output });

  context.subscriptions.push(
    // The server was told the workspace is untrusted at start: start it again, trusted.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('seccompPolicy.helper.path')) void restart();
    }),
  );

  // Menus show the extension's global commands only once it is active.
  void vscode.commands.executeCommand('setContext', 'seccompPolicy.active', true);
  context.subscriptions.push(
    runs.onDidStart(() => void vscode.commands.executeCommand('setContext', 'seccompPolicy.running', true)),
    runs.onDidFinish(() => void vscode.commands.executeCommand('setContext', 'seccompPolicy.running', panel.session.running)),
  );

  try {
    await client.start();
  } catch (err) {
    reportStartFailure(output, status, err);
  }
  return {
    get client() {
      return client;
    },
    runs,
    panel,
    compiled,
    coverage,
    status,
  };
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop();
}

function reportStartFailure(output: vscode.LogOutputChannel, status: StatusItems, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  output.error(`The language server failed to start: ${message}`);
  status.stopped(message);
  void vscode.window.showErrorMessage(`Seccomp Policy: the language server failed to start (${message}).`, 'Show Output').then(
    (choice) => {
      if (choice) output.show(true);
    },
  );
}
