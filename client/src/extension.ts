/**
 * The VS Code extension entry point. A thin client: it starts the bundled
 * language server (see languageClient.ts) for `seccomp` documents and offers
 * commands to restart it, compile a policy and test-run a program under it.
 * All language features come from the server; compiling and running from the CLI.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerCommands } from './commands';
import { createLanguageClient } from './languageClient';

export const OUTPUT_CHANNEL_NAME = 'Seccomp Policy';
export const RESTART_COMMAND = 'seccompPolicy.restartServer';

/** What `vscode.extensions.getExtension(...).exports` gives (used by tests). */
export interface SeccompPolicyApi {
  /** The running language client, if it started. */
  readonly client: LanguageClient | undefined;
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<SeccompPolicyApi> {
  const output = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  context.subscriptions.push(output);

  client = createLanguageClient(context, output);
  registerCommands(context, output);
  context.subscriptions.push(
    vscode.commands.registerCommand(RESTART_COMMAND, async () => {
      if (!client) return;
      output.info('Restarting the language server');
      try {
        await client.restart();
      } catch (err) {
        reportStartFailure(output, err);
      }
    }),
  );

  try {
    await client.start();
  } catch (err) {
    reportStartFailure(output, err);
  }
  return {
    get client() {
      return client;
    },
  };
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop();
}

function reportStartFailure(output: vscode.LogOutputChannel, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  output.error(`The language server failed to start: ${message}`);
  void vscode.window.showErrorMessage(`Seccomp Policy: the language server failed to start (${message}).`, 'Show Output').then(
    (choice) => {
      if (choice) output.show(true);
    },
  );
}
