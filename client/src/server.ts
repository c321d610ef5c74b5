/**
 * The one way the extension reaches the language server: typed requests
 * from `server/src/lsp/ext.ts` (never a method string at a call site), and
 * the converters between LSP and vscode types.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { RequestType } from 'vscode-languageserver-protocol';
import type { Location as LspLocation, Range as LspRange } from 'vscode-languageserver-types';

export class Server {
  constructor(private readonly get: () => LanguageClient | undefined) {}

  get client(): LanguageClient | undefined {
    return this.get();
  }

  /** Sends a request once the client runs; rejects with a sentence for the user otherwise. `token` cancels it. */
  async request<P, R>(type: RequestType<P, R, void>, params: P, token?: vscode.CancellationToken): Promise<R> {
    const client = this.get();
    if (!client) throw new Error('the language server is not running (see the Seccomp Policy output)');
    if (!client.isRunning()) {
      // Starting or restarting: wait a little for it rather than failing at once.
      for (let i = 0; i < 100 && !client.isRunning(); i++) await new Promise((r) => setTimeout(r, 100));
      if (!client.isRunning()) throw new Error('the language server is not running (see the Seccomp Policy output)');
    }
    // sendRequest's overloads do not resolve for a generic P; the call is the typed one.
    const send = client.sendRequest.bind(client) as (t: RequestType<P, R, void>, p: P, token?: vscode.CancellationToken) => Promise<R>;
    return token ? send(type, params, token) : send(type, params);
  }

  location(l: LspLocation): vscode.Location {
    return new vscode.Location(vscode.Uri.parse(l.uri), this.range(l.range));
  }

  range(r: LspRange): vscode.Range {
    return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
