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

export function encodeRows(rows: readonly TraceRow[]): RowColumns {
  if (rows.length === 0) return NO_ROWS;
  const shapes: RowShape[] = [];
  const shapeIndex = new Map<string, number>();
  const n = rows.length;
  const seq = new Array<number>(n);
  const pid = new Array<number>(n);
  const time = new Array<number>(n);
  const shape = new Array<number>(n);
  const text = new Array<string>(n);
  const failed: number[] = [];
  const args: Record<number, readonly string[]> = {};
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    // `where` names the rule (and so its location); kind follows from the action.
    const key = `${r.syscall}\u0000${r.abi ?? ''}\u0000${r.action}\u0000${r.where}\u0000${r.applied}\u0000${r.kind}`;
    let s = shapeIndex.get(key);
    if (s === undefined) {
      s = shapes.length;
      shapeIndex.set(key, s);
      shapes.push({
        syscall: r.syscall, abi: r.abi, action: r.action, kind: r.kind, where: r.where, applied: r.applied,
        ...(r.location ? { location: r.location } : {}),
      });
    }
    seq[i] = r.seq;
    pid[i] = r.pid;
    // Microseconds are all a trace shows; the rest would only lengthen the JSON.
    time[i] = Math.round(r.time * 1000) / 1000;
    shape[i] = s;
    text[i] = r.text;
    if (r.failed) failed.push(i);
    if (r.args && keepsArgs(r.kind)) args[i] = r.args;
  }
  return { shapes, seq, pid, time, shape, text, failed, args };
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
