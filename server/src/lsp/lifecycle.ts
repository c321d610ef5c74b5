/**
 * The server's life as LSP defines it, enforced before any handler runs
 * (a jsonrpc `MessageStrategy` sees every message first):
 *
 * - before `initialize`, a request gets ServerNotInitialized and a
 *   notification is dropped (but `exit`);
 * - a second `initialize` is an error (InvalidRequest);
 * - after `shutdown`, every request gets InvalidRequest and every
 *   notification but `exit` is dropped.
 *
 * A refused request is renamed to `REFUSED_METHOD`, whose handler answers
 * the error: the strategy cannot write a response itself.
 */
import { ErrorCodes, ResponseError, type Connection, type MessageStrategy } from 'vscode-languageserver/node';

/** The method a refused request is turned into; its params say why. */
export const REFUSED_METHOD = '$/seccomp/refused';

interface Refusal {
  readonly code: number;
  readonly message: string;
}

type Phase = 'new' | 'running' | 'shut down';

export class Lifecycle {
  private phase: Phase = 'new';

  /** Whether `shutdown` was received (checks and runs stop; nothing more is published). */
  get shutDown(): boolean {
    return this.phase === 'shut down';
  }

  readonly strategy: MessageStrategy = {
    handleMessage: (message, next) => {
      const m = message as { id?: unknown; method?: unknown; params?: unknown };
      if (typeof m.method !== 'string') return next(message);
      const isRequest = m.id !== undefined && m.id !== null;
      const refusal = isRequest ? this.request(m.method) : undefined;
      if (refusal) {
        m.method = REFUSED_METHOD;
        m.params = refusal;
      } else if (!isRequest && !this.notificationAllowed(m.method)) {
        return;
      }
      next(message);
    },
  };

  /** Answers the requests the strategy refused. */
  listen(connection: Connection): void {
    connection.onRequest(REFUSED_METHOD, (p: Refusal) => new ResponseError(p.code, p.message));
  }

  private request(method: string): Refusal | undefined {
    switch (this.phase) {
      case 'new':
        if (method === 'initialize') {
          this.phase = 'running';
          return undefined;
        }
        return { code: ErrorCodes.ServerNotInitialized, message: `\`${method}\` before \`initialize\`` };
      case 'running':
        if (method === 'initialize') return { code: ErrorCodes.InvalidRequest, message: 'the server is already initialized' };
        if (method === 'shutdown') this.phase = 'shut down';
        return undefined;
      case 'shut down':
        return { code: ErrorCodes.InvalidRequest, message: `\`${method}\` after \`shutdown\`` };
    }
  }

  private notificationAllowed(method: string): boolean {
    if (method === 'exit' || method === '$/cancelRequest') return true;
    return this.phase === 'running';
  }
}
