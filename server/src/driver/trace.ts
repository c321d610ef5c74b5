/**
 * The life of one traced run: start the helper, parse its event stream as
 * it arrives, pass the program's output on, stop it on request, and tell
 * afterwards what went wrong if anything did. Used by the CLI (`run`,
 * `learn`: the program keeps the terminal, our signals are forwarded) and
 * by the language server (output captured, runs stopped from the editor).
 *
 * Flow control: `pause()` stops reading the event pipe, so a consumer that
 * cannot keep up (a slow LSP client) makes the helper, and so the traced
 * program, wait instead of letting events pile up in memory.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Writable } from 'node:stream';
import { EventParser, ProtocolError, type DoneEvent, type ErrorEvent, type TraceEvent } from '../trace/events';
import { startHelper, type HelperOptions, type HelperProcess } from './helperProcess';

/** Exit codes of our own, shared by `run` and `learn` (see their usage and docs/trace.md). */
export const EXIT = { policy: 1, usage: 2, unsupported: 69, internal: 70 } as const;

/** After a stop request, the helper gets this long to go before SIGKILL. */
const STOP_GRACE_MS = 2000;

/**
 * Our exit code for a helper failure: its distinct codes pass through,
 * except the ones that mean we called it wrongly (64 usage, 65 bad filter,
 * 66 cannot read the filter or events), which are our internal errors.
 */
export function mapHelperExit(code: number): number {
  return code === 64 || code === 65 || code === 66 ? EXIT.internal : code;
}

export interface TraceOptions extends HelperOptions {
  /** Forward SIGINT, SIGTERM and SIGHUP we receive to the helper (a CLI in a terminal). */
  readonly forwardSignals?: boolean;
}

export interface TraceHandlers {
  /** Every event, in order, as it arrives. */
  onEvent(e: TraceEvent): void;
  /** After each chunk of events: a point to flush batched output. */
  onChunk?(): void;
  /** The program's output (with `programStdio: 'capture'`), decoded as UTF-8. */
  onOutput?(stream: 'stdout' | 'stderr', text: string): void;
}

export interface TraceOutcome {
  /** The helper's exit code (null when it died of a signal). */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** A signal we received and forwarded (SIGINT, SIGTERM, SIGHUP). */
  readonly interrupted: NodeJS.Signals | undefined;
  /** `stop()` was called before the helper finished. */
  readonly stopped: boolean;
  /** The helper could not be started. */
  readonly spawnError: Error | undefined;
  /** The stream was unreadable. */
  readonly protocolError: ProtocolError | undefined;
}

export class TraceRun {
  /** Settles once the helper has exited and every event and output byte was handled. */
  readonly finished: Promise<TraceOutcome>;
  private readonly helper: HelperProcess;
  private stopRequested = false;
  private exited = false;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(readonly options: TraceOptions, private readonly handlers: TraceHandlers) {
    this.helper = startHelper(options);
    this.finished = this.watch();
  }

  /** Kills the helper (and with it every traced process); false when it had already finished. */
  stop(): boolean {
    if (this.exited || this.stopRequested) return !this.exited;
    this.stopRequested = true;
    this.helper.child.kill('SIGTERM');
    this.killTimer = setTimeout(() => this.helper.child.kill('SIGKILL'), STOP_GRACE_MS);
    this.killTimer.unref();
    return true;
  }

  /** In ask mode, where answer lines go to the helper (`trace/ask.ts` answerLine). */
  get answers(): Writable | undefined {
    return this.helper.answers;
  }

  /** Stop reading events until `resume()`; the helper blocks once the pipe is full. */
  pause(): void {
    this.helper.events.pause();
  }

  resume(): void {
    this.helper.events.resume();
  }

  private async watch(): Promise<TraceOutcome> {
    const h = this.helper;
    let interrupted: NodeJS.Signals | undefined;
    let protocolError: ProtocolError | undefined;
    const parser = new EventParser((e) => this.handlers.onEvent(e));
    h.events.on('data', (chunk: Buffer) => {
      if (protocolError) return;
      try {
        parser.push(chunk);
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        protocolError = e;
        h.child.kill('SIGKILL');
      }
      this.handlers.onChunk?.();
    });
    for (const [stream, name] of [[h.stdout, 'stdout'], [h.stderr, 'stderr']] as const) {
      if (!stream) continue;
      const decoder = new StringDecoder('utf8');
      stream.on('data', (b: Buffer) => {
        const text = decoder.write(b);
        if (text) this.handlers.onOutput?.(name, text);
      });
      stream.on('end', () => {
        const text = decoder.end();
        if (text) this.handlers.onOutput?.(name, text);
      });
    }
    const handlers: (readonly [NodeJS.Signals, () => void])[] = [];
    if (this.options.forwardSignals) {
      for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
        handlers.push([sig, () => {
          interrupted ??= sig;
          // The helper's death kills the traced processes (PTRACE_O_EXITKILL).
          h.child.kill(sig === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
        }]);
      }
    }
    for (const [s, f] of handlers) process.on(s, f);
    try {
      const r = await Promise.race([h.closed, h.spawnError.then((e) => ({ error: e }))]);
      this.exited = true;
      clearTimeout(this.killTimer);
      const base = { interrupted, stopped: this.stopRequested };
      if ('error' in r) return { ...base, code: null, signal: null, spawnError: r.error, protocolError };
      if (!protocolError) {
        try {
          parser.end();
        } catch (e) {
          if (!(e instanceof ProtocolError)) throw e;
          protocolError = e;
        }
      }
      this.handlers.onChunk?.();
      return { ...base, code: r.code, signal: r.signal, spawnError: undefined, protocolError };
    } finally {
      for (const [s, f] of handlers) process.off(s, f);
    }
  }
}

/** What the session saw that matters for failures: the helper's error and its final report. */
export interface SessionEnd {
  readonly error?: ErrorEvent | undefined;
  readonly done?: DoneEvent | undefined;
}

/**
 * The one sentence for a helper or spawn failure and our exit code, or
 * undefined when the run itself went fine. `message` is undefined when the
 * helper said it already (its own `seccomp-run: …` line on stderr).
 */
export function traceFailure(r: TraceOutcome, session: SessionEnd, helper: string): { message: string | undefined; code: number } | undefined {
  if (r.spawnError) {
    const code = (r.spawnError as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' ? 'permission denied (is it executable?)' : code === 'ENOENT' ? 'no such file' : r.spawnError.message;
    return { message: `cannot start the trace helper ${helper}: ${why}`, code: EXIT.unsupported };
  }
  if (r.protocolError) return { message: `the trace helper's report could not be read (${r.protocolError.message})`, code: EXIT.internal };
  if (session.error) return { message: undefined, code: mapHelperExit(session.error.code) };
  if (r.interrupted) return { message: `interrupted (${r.interrupted}); the traced program was killed`, code: 128 + (r.interrupted === 'SIGINT' ? 2 : r.interrupted === 'SIGHUP' ? 1 : 15) };
  if (r.stopped && !session.done) return { message: 'stopped; the traced program was killed', code: 128 + 15 };
  if (!session.done) {
    const how = r.signal ? `was killed by ${r.signal}` : `exited with ${r.code} without finishing its report`;
    return { message: `the trace helper ${how}`, code: EXIT.internal };
  }
  return undefined;
}
