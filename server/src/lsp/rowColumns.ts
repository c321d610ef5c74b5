/**
 * Trace rows to columns and back (`RowColumns` in ext.ts): the server
 * encodes each `seccomp/runEvents` batch, the extension host decodes it for
 * its copy of the run and hands the page columns again. Pure and
 * dependency-free: the server, the host and the webview bundle all import it.
 */
import type { DecisionKind, RowColumns, RowShape, TraceRow } from './ext';

export const NO_ROWS: RowColumns = { shapes: [], seq: [], pid: [], time: [], shape: [], text: [], failed: [], args: {} };

/** Whether a row's raw registers travel with it: only where "Allow with these arguments" can be offered. */
function keepsArgs(kind: DecisionKind): boolean {
  return kind !== 'allow' && kind !== 'none';
}

/**
 * A batch in columns, a row at a time: the server's run report adds each
 * row here as it is made (no row object in between), and `take()` hands the
 * batch out. Shapes are kept once per distinct value (`shapeOf`), so a
 * shape's identity is its index in a batch: no key is built per row.
 */
export class RowColumnsBuilder {
  private readonly canonical = new Map<string, RowShape>();
  private shapes: RowShape[] = [];
  private shapeIndex = new Map<RowShape, number>();
  private seq: number[] = [];
  private pid: number[] = [];
  private time: number[] = [];
  private shape: number[] = [];
  private text: string[] = [];
  private failed: number[] = [];
  private args: Record<number, readonly string[]> = {};

  /** The one shape object for these values. */
  shapeOf(syscall: string, abi: string | undefined, action: string, kind: DecisionKind, where: string, applied: TraceRow['applied'], location: RowShape['location']): RowShape {
    // `where` names the rule (and so its location); kind follows from the action.
    const key = `${syscall}\u0000${abi ?? ''}\u0000${action}\u0000${where}\u0000${applied}\u0000${kind}`;
    let s = this.canonical.get(key);
    if (!s) this.canonical.set(key, s = { syscall, abi, action, kind, where, applied, ...(location ? { location } : {}) });
    return s;
  }

  add(seq: number, pid: number, time: number, shape: RowShape, text: string, failed: boolean, args: readonly string[] | undefined): void {
    let s = this.shapeIndex.get(shape);
    if (s === undefined) {
      s = this.shapes.length;
      this.shapeIndex.set(shape, s);
      this.shapes.push(shape);
    }
    const i = this.seq.length;
    this.seq.push(seq);
    this.pid.push(pid);
    // Microseconds are all a trace shows; the rest would only lengthen the JSON.
    this.time.push(Math.round(time * 1000) / 1000);
    this.shape.push(s);
    this.text.push(text);
    if (failed) this.failed.push(i);
    if (args && keepsArgs(shape.kind)) this.args[i] = args;
  }

  get length(): number {
    return this.seq.length;
  }

  /** The rows added since the last call. */
  take(): RowColumns {
    if (this.seq.length === 0) return NO_ROWS;
    const out: RowColumns = { shapes: this.shapes, seq: this.seq, pid: this.pid, time: this.time, shape: this.shape, text: this.text, failed: this.failed, args: this.args };
    this.shapes = [];
    this.shapeIndex = new Map();
    this.seq = [];
    this.pid = [];
    this.time = [];
    this.shape = [];
    this.text = [];
    this.failed = [];
    this.args = {};
    return out;
  }
}

export function encodeRows(rows: readonly TraceRow[]): RowColumns {
  const b = new RowColumnsBuilder();
  for (const r of rows) b.add(r.seq, r.pid, r.time, b.shapeOf(r.syscall, r.abi, r.action, r.kind, r.where, r.applied, r.location), r.text, r.failed, r.args);
  return b.take();
}

export function rowCount(c: RowColumns): number {
  return c.seq.length;
}

export function decodeRows(c: RowColumns): TraceRow[] {
  const n = c.seq.length;
  const out = new Array<TraceRow>(n);
  const failed = new Set(c.failed);
  for (let i = 0; i < n; i++) {
    const s = c.shapes[c.shape[i]!]!;
    const args = c.args[i];
    out[i] = {
      seq: c.seq[i]!, pid: c.pid[i]!, time: c.time[i]!, syscall: s.syscall, abi: s.abi, text: c.text[i]!,
      action: s.action, kind: s.kind, where: s.where, ...(s.location ? { location: s.location } : {}), applied: s.applied,
      ...(args ? { args } : {}), failed: failed.has(i),
    };
  }
  return out;
}
