/**
 * How the extension talks to the bundled language server: which process to
 * start (dist/server.js, forked by vscode-languageclient over Node IPC with
 * ELECTRON_RUN_AS_NODE, the only process the extension causes), which
 * documents it serves, and what it is told at start (workspace trust and the
 * helper's path, re-read on every restart). No language knowledge lives here.
 */
import type { ExtensionContext, LogOutputChannel } from 'vscode';
import { workspace } from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { helperPath } from './config';

/** The client id: VS Code reads `<id>.trace.server` for protocol tracing. */
export const CLIENT_ID = 'seccompPolicy';
export const CLIENT_NAME = 'Seccomp Policy Language Server';
/** The settings section sent to the server on every change. */
export const CONFIG_SECTION = 'seccompPolicy';
/** The bundled server, relative to the extension's root. */
export const SERVER_MODULE = 'dist/server.js';
/** Inspector port used when the extension itself runs under the debugger. */
export const DEBUG_PORT = 6009;

/** What the server is told at start (see `initializationOptions` in server/src/lsp). */
export interface InitializationOptions {
  /** Whether the workspace is trusted: the server refuses to run programs otherwise. */
  readonly trusted: boolean;
  /** `seccompPolicy.helper.path`, when set (and the workspace trusted). */
  readonly helperPath?: string;
}

export function initializationOptions(): InitializationOptions {
  const helper = helperPath();
  return { trusted: workspace.isTrusted, ...(helper ? { helperPath: helper } : {}) };
}

export function createLanguageClient(context: ExtensionContext, outputChannel: LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath(SERVER_MODULE);
  // `module` (no `runtime`): the client forks it as Node; never a command of ours.
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: {
      module,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', `--inspect=${DEBUG_PORT}`] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'seccomp' },
      { scheme: 'untitled', language: 'seccomp' },
    ],
    // A function: evaluated at each (re)start, so trust granted later and a new helper path reach the server.
    initializationOptions: () => initializationOptions(),
    synchronize: {
      configurationSection: CONFIG_SECTION,
      // Included files change on disk: let the server re-check their includers.
      fileEvents: workspace.createFileSystemWatcher('**/*.seccomp'),
    },
    outputChannel,
  };
  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}
