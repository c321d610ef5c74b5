/**
 * How the extension talks to the bundled language server: which process to
 * start (dist/server.js over Node IPC), which documents it serves and which
 * settings it receives. No language knowledge lives here.
 */
import type { ExtensionContext, LogOutputChannel } from 'vscode';
import { workspace } from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

/** The client id: VS Code reads `<id>.trace.server` for protocol tracing. */
export const CLIENT_ID = 'seccompPolicy';
export const CLIENT_NAME = 'Seccomp Policy Language Server';
/** The settings section sent to the server on every change. */
export const CONFIG_SECTION = 'seccompPolicy';
/** The bundled server, relative to the extension's root. */
export const SERVER_MODULE = 'dist/server.js';
/** Inspector port used when the extension itself runs under the debugger. */
export const DEBUG_PORT = 6009;

export function createLanguageClient(context: ExtensionContext, outputChannel: LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath(SERVER_MODULE);
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
    synchronize: {
      configurationSection: CONFIG_SECTION,
      // Included files change on disk: let the server re-check their includers.
      fileEvents: workspace.createFileSystemWatcher('**/*.seccomp'),
    },
    outputChannel,
  };
  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}
