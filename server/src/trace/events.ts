/**
 * The helper's event stream (docs/trace-protocol.md): the event shapes and
 * a parser for lines that arrive in arbitrary chunks: JSON lines, and the
 * compact records `--events-format compact` writes for syscall events
 * (tab-separated fields, read without a JSON parse: the server's hottest
 * path), which become the same event objects as their JSON lines, members
 * in the same order. Pure.
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
    if (typeof chunk !== 'string') {
      this.pushBytes(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      return;
    }
    const text = chunk;
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

  /**
   * Bytes are decoded a line at a time: a string an event keeps (a register
   * a run report remembers) then holds on to its line, not to the whole
   * chunk (up to 64 KiB) that a slice of the chunk's text would keep alive.
   */
  private pushBytes(buf: Buffer): void {
    let start = 0;
    let nl = buf.indexOf(10);
    if (nl < 0) {
      this.tail += buf.toString('latin1');
      return;
    }
    if (this.tail) {
      const first = this.tail + buf.toString('latin1', 0, nl);
      this.tail = '';
      this.line(first);
      start = nl + 1;
      nl = buf.indexOf(10, start);
    }
    while (nl >= 0) {
      if (nl > start) this.line(buf.toString('latin1', start, nl));
      start = nl + 1;
      nl = buf.indexOf(10, start);
    }
    this.tail = start < buf.length ? buf.toString('latin1', start) : '';
  }

  end(): void {
    const rest = this.tail;
    this.tail = '';
    if (rest.trim()) this.line(rest);
  }

  private line(text: string): void {
    this.lines++;
    if (text.charCodeAt(0) === 0x73 /* s */ && text.charCodeAt(1) === 0x09 /* tab */) {
      if (!this.sawHello) throw new ProtocolError(`the event stream does not start with a hello line (got 'syscall')`);
      this.onEvent(this.compact(text));
      return;
    }
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

  /** A compact syscall record (docs/trace-protocol.md, "Compact records") as the event its JSON line would be. */
  private compact(text: string): SyscallEvent {
    // Scanned field by field with indexOf (a split of the line costs twice as much).
    const n = text.length;
    let p = 2;
    let q = text.indexOf('\t', p);
    const pid = decimal(text, p, q);
    q = text.indexOf('\t', p = q + 1);
    const abi = decimal(text, p, q);
    q = text.indexOf('\t', p = q + 1);
    const nr = decimal(text, p, q);
    if (q < 0 || Number.isNaN(pid) || Number.isNaN(abi) || Number.isNaN(nr)) throw this.malformed(text);
    const args: string[] = [];
    for (let i = 0; i < 6; i++) {
      q = text.indexOf('\t', p = q + 1);
      if (q < 0) throw this.malformed(text);
      args.push(text.slice(p, q));
    }
    q = text.indexOf('\t', p = q + 1);
    const ip = text.slice(p, q < 0 ? n : q);
    let str: Record<string, string | null> | undefined;
    let argv: (string | null)[] | undefined;
    let argvTruncated = false;
    let truncated: number[] | undefined;
    let buf: Record<string, string> | undefined;
    let ret: string | null = null;
    let errno: number | undefined;
    let seccomp: { data: number; action?: string } | undefined;
    let startup = false;
    while (q >= 0) {
      q = text.indexOf('\t', p = q + 1);
      const end = q < 0 ? n : q;
      switch (text.charCodeAt(p)) {
        case 0x72: ret = text.slice(p + 1, end); break; // r<ret>
        case 0x42: { // B<i>:<bytes>
          const colon = text.indexOf(':', p);
          if (colon < 0 || colon > end) throw this.malformed(text);
          (buf ??= {})[text.slice(p + 1, colon)] = unescapeBody(text, colon + 1, end);
          break;
        }
        case 0x45: errno = decimal(text, p + 1, end); break; // E<errno>
        case 0x53: { // S<i>:<string>, S<i> for null
          const colon = text.indexOf(':', p);
          if (colon < 0 || colon > end) (str ??= {})[text.slice(p + 1, end)] = null;
          else (str ??= {})[text.slice(p + 1, colon)] = unescapeBody(text, colon + 1, end);
          break;
        }
        case 0x41: argv = []; break; // A
        case 0x61: (argv ??= []).push(end > p + 1 ? unescapeBody(text, p + 2, end) : null); break; // a:<string>, a for null
        case 0x54: argvTruncated = true; break; // T
        case 0x74: truncated = text.slice(p + 1, end).split(',').map(Number); break; // t<i>,<i>...
        case 0x6e: ret = null; break; // n: never returned
        case 0x44: seccomp = { data: decimal(text, p + 1, end) }; break; // D<data>
        case 0x58: if (seccomp) seccomp.action = text.slice(p + 1, end); break; // X<action>
        case 0x55: startup = true; break; // U
        default: throw this.malformed(text);
      }
    }
    // Members in the JSON line's order (native/seccomp-run.c), so that `run --json` prints the same line.
    let e: { -readonly [K in keyof SyscallEvent]: SyscallEvent[K] };
    if (str || argv || truncated || buf) {
      // ret comes after these in the JSON line: it is set last.
      e = { type: 'syscall', pid, abi, nr, args, ip } as Omit<typeof e, 'ret'> as typeof e;
      if (str) e.str = str;
      if (argv) e.argv = argv as string[];
      if (argvTruncated) e.argv_truncated = true;
      if (truncated) e.truncated = truncated;
      if (buf) e.buf = buf;
      e.ret = ret;
    } else {
      e = { type: 'syscall', pid, abi, nr, args, ip, ret };
    }
    if (errno !== undefined) e.errno = errno;
    if (ret === null) e.noreturn = true;
    if (seccomp) e.seccomp = seccomp;
    if (startup) e.startup = true;
    return e;
  }

  private malformed(text: string): ProtocolError {
    return new ProtocolError(`malformed event line ${this.lines}: ${text.length > 80 ? text.slice(0, 80) + '…' : text}`);
  }
}

/**
 * The bytes of a compact record's string or buffer field in s[from, end):
 * as they are, except backslash, tab and newline, escaped with a backslash
 * (native/events.c, ev_bytes). Most have no escape and are a slice.
 */
function unescapeBody(s: string, from: number, end: number): string {
  let esc = s.indexOf('\\', from);
  if (esc < 0 || esc >= end) return s.slice(from, end);
  let out = '';
  let start = from;
  while (esc >= 0 && esc < end) {
    const c = s.charCodeAt(esc + 1);
    out += s.slice(start, esc) + (c === 0x74 ? '\t' : c === 0x6e ? '\n' : '\\');
    start = esc + 2;
    esc = s.indexOf('\\', start);
  }
  return out + s.slice(start, end);
}

/** The signed decimal in s[from, end) (end < 0: to the end of s), NaN when it is not one. */
function decimal(s: string, from: number, end: number): number {
  if (end < 0) end = s.length;
  const neg = s.charCodeAt(from) === 0x2d;
  let i = neg ? from + 1 : from;
  if (i >= end) return NaN;
  // Up to 15 digits are exact in a double as they are summed; longer ones go through Number.
  if (end - i > 15) return Number(s.slice(from, end));
  let v = 0;
  for (; i < end; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return neg ? -v : v;
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
