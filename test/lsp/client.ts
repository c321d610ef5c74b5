/**
 * A small LSP client for the protocol tests: spawns the bundled server
 * (`node dist/server.js --stdio`, rebuilt first when a source is newer) and
 * talks to it with vscode-jsonrpc.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  createMessageConnection, StreamMessageReader, StreamMessageWriter, type CancellationToken, type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import type { Diagnostic } from 'vscode-languageserver-types';

export const REPO = resolve(__dirname, '..', '..');
export const SERVER = join(REPO, 'dist', 'server.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

/** Rebuilds dist/ when dist/server.js is missing or older than a file under server/src. */
export function ensureBuilt(): void {
  if (existsSync(SERVER) && statSync(SERVER).mtimeMs >= newestMtime(join(REPO, 'server', 'src'))) return;
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('node scripts/build.mjs failed');
}

export interface ClientOptions {
  /** Announce pull diagnostics (`textDocument.diagnostic`) and diagnostic refresh. */
  pull?: boolean;
  /** Answer `workspace/configuration` with this (for section seccompPolicy); unset: no configuration capability. */
  configuration?: Record<string, unknown>;
  /** Per `scopeUri` (a folder's own settings); falls back to `configuration`. Announces the configuration capability. */
  configurationFor?: (scopeUri: string | undefined) => Record<string, unknown> | undefined;
  initializationOptions?: Record<string, unknown>;
}

export class TestClient {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly conn: MessageConnection;
  /** Every publishDiagnostics, by URI, latest last. */
  readonly published = new Map<string, PublishDiagnosticsParams[]>();
  readonly stderr: string[] = [];
  readonly logs: string[] = [];
  refreshes = 0;
  private waiters: (() => void)[] = [];
  initialize!: InitializeResult;

  constructor(private readonly options: ClientOptions = {}) {
    this.proc = spawn(process.execPath, [SERVER, '--stdio'], { cwd: REPO, stdio: 'pipe' });
    this.proc.stderr.on('data', (b: Buffer) => this.stderr.push(b.toString()));
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout), new StreamMessageWriter(this.proc.stdin));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      const list = this.published.get(p.uri) ?? [];
      list.push(p);
      this.published.set(p.uri, list);
      this.wake();
    });
    this.conn.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
    });
    this.conn.onRequest('workspace/configuration', (p: { items: { section?: string; scopeUri?: string }[] }) =>
      p.items.map((i) => this.options.configurationFor?.(i.scopeUri) ?? this.options.configuration ?? null));
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshes++;
      this.wake();
      return null;
    });
    this.conn.onRequest('workspace/inlayHint/refresh', () => null);
    this.conn.onRequest('workspace/semanticTokens/refresh', () => null);
    this.conn.listen();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  async start(): Promise<InitializeResult> {
    const pull = this.options.pull ?? false;
    this.initialize = await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        textDocument: {
          ...(pull ? { diagnostic: { dynamicRegistration: false } } : {}),
          publishDiagnostics: { relatedInformation: true, tagSupport: { valueSet: [1, 2] } },
          rename: { prepareSupport: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
        workspace: {
          ...(this.options.configuration || this.options.configurationFor ? { configuration: true } : {}),
          ...(pull ? { diagnostics: { refreshSupport: true } } : {}),
        },
      },
      initializationOptions: this.options.initializationOptions ?? {},
    });
    await this.conn.sendNotification('initialized', {});
    return this.initialize;
  }

  request<T>(method: string, params: unknown, token?: CancellationToken): Promise<T> {
    return (token ? this.conn.sendRequest(method, params, token) : this.conn.sendRequest(method, params)) as Promise<T>;
  }

  open(uri: string, text: string, version = 1): void {
    void this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'seccomp', version, text } });
  }

  change(uri: string, version: number, changes: unknown[]): void {
    void this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  /** Waits until `probe` holds, re-checking on every notification (and every 50 ms). */
  async waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v !== undefined && v !== false) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; server stderr: ${this.stderr.join('').slice(-2000)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** The diagnostics of the latest publish for `uri` that satisfies `ok` (default: any). */
  diagnostics(uri: string, ok: (d: Diagnostic[]) => boolean = () => true, version?: number): Promise<Diagnostic[]> {
    return this.waitFor(`diagnostics for ${uri}`, () => {
      const last = this.published.get(uri)?.at(-1);
      if (!last || (version !== undefined && last.version !== version)) return undefined;
      return ok(last.diagnostics) ? last.diagnostics : undefined;
    });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      void this.conn.sendNotification('exit');
    } catch {
      // already gone
    }
    await new Promise<void>((r) => {
      if (this.proc.exitCode !== null) return r();
      const t = setTimeout(() => {
        this.proc.kill('SIGKILL');
        r();
      }, 2000);
      this.proc.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
    this.conn.dispose();
  }
}

/** Position of the first `needle` in `text` (plus `delta` characters). */
export function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`${needle} not in text`);
  const before = text.slice(0, i + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}
