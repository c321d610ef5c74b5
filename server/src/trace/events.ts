/**
 * The helper's event stream (docs/trace-protocol.md): the event shapes and
 * a parser for JSON lines that arrive in arbitrary chunks. Pure.
 *
 * Strings in the stream are byte strings: every char code of a decoded JSON
 * string is one byte (0..255). Chunks are decoded as latin1 so that the
 * JSON text itself (ASCII) is unchanged.
 */

/** The protocol version this reader understands. */
export const PROTOCOL_VERSION = 1;

export interface HelloEvent {
  readonly type: 'hello';
  readonly version: number;
  readonly pid: number;
  readonly tracer: number;
  readonly mode: 'enforce' | 'permissive';
  readonly install: 'before-exec' | 'after-exec' | 'none';
  readonly only_decisions: boolean;
  readonly arch: string;
  readonly abi: number;
  readonly instructions: number;
  readonly kill_prefix: boolean;
  readonly cpu: number | null;
  readonly path: string;
  readonly argv: readonly string[];
}

export interface SyscallEvent {
  readonly type: 'syscall';
  readonly pid: number;
  /** AUDIT_ARCH_* of the call. */
  readonly abi: number;
  readonly nr: number;
  /** Six registers, hex strings. */
  readonly args: readonly string[];
  readonly ip: string;
  /** Signed decimal return value, or null when the call never returned. */
  readonly ret: string | null;
  readonly noreturn?: boolean;
  readonly errno?: number;
  readonly str?: Readonly<Record<string, string | null>>;
  readonly truncated?: readonly number[];
  readonly argv?: readonly string[];
  readonly argv_truncated?: boolean;
  readonly buf?: Readonly<Record<string, string>>;
  readonly seccomp?: { readonly data: number; readonly action?: string };
  readonly startup?: boolean;
}

export interface SignalEvent {
  readonly type: 'signal';
  readonly pid: number;
  readonly sig: number;
  readonly code: number;
  readonly errno?: number;
  readonly syscall?: number;
  readonly arch?: number;
  readonly call_addr?: string;
  readonly sender?: number;
  readonly uid?: number;
  readonly addr?: string;
  readonly child?: number;
  readonly status?: number;
  readonly emulated?: boolean;
}

export interface StopEvent { readonly type: 'stop'; readonly pid: number; readonly sig: number }
export interface SpawnEvent { readonly type: 'spawn'; readonly pid: number; readonly parent: number; readonly how: 'fork' | 'vfork' | 'clone' }
export interface ExecEvent { readonly type: 'exec'; readonly pid: number; readonly path: string; readonly old_pid?: number }
export interface InstallEvent { readonly type: 'install'; readonly pid: number; readonly how: 'before-exec' | 'after-exec'; readonly instructions: number; readonly ret?: string }
export interface ExitEvent { readonly type: 'exit'; readonly pid: number; readonly status: number }
export interface KilledEvent { readonly type: 'killed'; readonly pid: number; readonly signal: number; readonly core: boolean }
export interface LimitEvent { readonly type: 'limit'; readonly what: 'timeout' | 'max-procs'; readonly value: number }
export interface ErrorEvent { readonly type: 'error'; readonly code: number; readonly message: string }
export interface DoneEvent {
  readonly type: 'done';
  readonly status: number;
  readonly reason: 'exit' | 'signal' | 'timeout' | 'max-procs' | 'error';
  readonly program: number;
}

export type TraceEvent =
  | HelloEvent | SyscallEvent | SignalEvent | StopEvent | SpawnEvent | ExecEvent | InstallEvent
  | ExitEvent | KilledEvent | LimitEvent | ErrorEvent | DoneEvent;

/** A line the reader cannot use: not JSON, not an object, or a protocol it does not speak. */
export class ProtocolError extends Error {}

/**
 * Splits a byte stream into events. `push` takes chunks as they come (a
 * line may span chunks); `end` flushes a last line without a newline.
 * Unknown event types are passed on (new ones may appear); a hello with
 * another version, or a malformed line, throws ProtocolError.
 */
export class EventParser {
  private tail = '';
  private sawHello = false;
  /** Lines parsed so far (for messages). */
  lines = 0;

  constructor(private readonly onEvent: (event: TraceEvent) => void) {}

  push(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl < 0) {
      this.tail += text;
      return;
    }
    if (this.tail) {
      const first = this.tail + text.slice(0, nl);
      this.tail = '';
      this.line(first);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl >= 0) {
      if (nl > start) this.line(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.tail = text.slice(start);
  }

  end(): void {
    const rest = this.tail;
    this.tail = '';
    if (rest.trim()) this.line(rest);
  }

  private line(text: string): void {
    this.lines++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ProtocolError(`malformed event line ${this.lines}: ${text.length > 80 ? text.slice(0, 80) + '…' : text}`);
    }
    if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
      throw new ProtocolError(`event line ${this.lines} is not an event object`);
    }
    const event = value as TraceEvent;
    if (event.type === 'hello') {
      if (event.version !== PROTOCOL_VERSION) {
        throw new ProtocolError(`the trace helper speaks protocol version ${String(event.version)}; this seccomp-policy reads version ${PROTOCOL_VERSION} (rebuild the helper with \`make -C native\`)`);
      }
      this.sawHello = true;
    } else if (!this.sawHello && event.type !== 'error' && event.type !== 'done') {
      throw new ProtocolError(`the event stream does not start with a hello line (got '${event.type}')`);
    }
    this.onEvent(event);
  }
}

/** Parses a whole recorded stream (tests, tools). */
export function parseEventLines(text: string): TraceEvent[] {
  const out: TraceEvent[] = [];
  const p = new EventParser((e) => out.push(e));
  p.push(text);
  p.end();
  return out;
}

/** The bytes of a protocol byte string. */
export function bytesOf(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

/**
 * A register as a JS number when it fits exactly (< 2^53), else undefined.
 * Cheaper than BigInt for the common small values.
 */
export function regNumber(hex: string): number | undefined {
  // "0x" + up to 13 hex digits is < 2^52.
  if (hex.length <= 15) return parseInt(hex, 16);
  const v = BigInt(hex);
  return v <= 0x1fffffffffffffn ? Number(v) : undefined;
}
