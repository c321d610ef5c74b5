/**
 * The host's copy of the last run, independent of the webview: the page is
 * destroyed whenever the panel is hidden (no `retainContextWhenHidden`), so
 * the host keeps the rows (bounded), the output and the end, and replays
 * them when a fresh page says it is ready. Also what "Save trace" writes.
 * No vscode API here, so the unit tests can drive it.
 */
import type { RunAskParams, RunEventsParams, RunFinishedParams, TraceNote } from '../../../server/src/lsp/ext';
import type { PanelSnapshot, RunHeader } from '../../shared/panelProtocol';
import { decodeRows } from '../../../server/src/lsp/rowColumns';
import { isRow, TraceStore } from '../../shared/traceStore';

/** Program output kept per stream: the tail, like a terminal's scrollback. */
export const MAX_OUTPUT_CHARS = 256 * 1024;

export function appendBounded(kept: string, more: string, max = MAX_OUTPUT_CHARS): string {
  const all = kept + more;
  return all.length > max ? all.slice(all.length - max) : all;
}

export class TraceSession {
  header: RunHeader | undefined;
  store: TraceStore;
  stdout = '';
  stderr = '';
  finished: RunFinishedParams | undefined;
  problem: string | undefined;
  /** Ask mode: the open question (one at a time), until it is answered or the run ends. */
  question: RunAskParams | undefined;

  constructor(readonly cap: number) {
    this.store = new TraceStore(cap);
  }

  reset(header: RunHeader | undefined): void {
    this.header = header;
    this.store = new TraceStore(this.cap);
    this.stdout = '';
    this.stderr = '';
    this.finished = undefined;
    this.problem = undefined;
    this.question = undefined;
  }

  /** Whether events and the end of this run id belong to this session. */
  owns(runId: string): boolean {
    return this.header?.runId === runId;
  }

  get running(): boolean {
    return this.header !== undefined && this.finished === undefined && this.problem === undefined;
  }

  addEvents(p: RunEventsParams): void {
    this.store.add(decodeRows(p.rows), p.notes ?? []);
    if (p.stdout) this.stdout = appendBounded(this.stdout, p.stdout);
    if (p.stderr) this.stderr = appendBounded(this.stderr, p.stderr);
  }

  finish(p: RunFinishedParams): void {
    this.finished = p;
    this.question = undefined;
  }

  /** A question of this run; false when it belongs to another (or the run is over). */
  ask(p: RunAskParams): boolean {
    if (!this.owns(p.runId) || !this.running) return false;
    this.question = p;
    return true;
  }

  /** The question is closed (answered or refused); true when it was the open one. */
  closeQuestion(questionId: string): boolean {
    if (this.question?.questionId !== questionId) return false;
    this.question = undefined;
    return true;
  }

  /** The state as plain data; `maxRows` keeps only the newest rows (for the page's own small state). */
  snapshot(maxRows = Infinity): PanelSnapshot {
    const items = this.store.toArray();
    const kept = items.length > maxRows ? items.slice(items.length - maxRows) : items;
    return {
      header: this.header,
      rows: kept.filter(isRow),
      notes: kept.filter((i): i is TraceNote => !isRow(i)),
      dropped: this.store.dropped + (items.length - kept.length),
      stdout: this.stdout,
      stderr: this.stderr,
      finished: this.finished,
      ...(this.problem !== undefined ? { problem: this.problem } : {}),
      ...(this.question ? { question: this.question } : {}),
    };
  }

  /** A session seeded from a snapshot (a reload: the page kept it with `setState`). */
  static fromSnapshot(s: PanelSnapshot, cap: number): TraceSession {
    const session = new TraceSession(cap);
    session.reset(s.header);
    session.store.addDropped(s.dropped);
    session.store.add(s.rows, s.notes);
    session.stdout = s.stdout;
    session.stderr = s.stderr;
    session.finished = s.finished;
    session.problem = s.problem;
    // A question cannot outlive its run, and a restored run is over (the window was reloaded).
    return session;
  }
}
