/**
 * The rows of one run, bounded: the panel (and the host, to save and to
 * restore the panel) keep at most `cap` items and count what they dropped,
 * so a run of a million syscalls never grows memory without limit. A live
 * `strace -c`-like summary counts every row, dropped or not. Filtered views
 * follow the store incrementally instead of rescanning it on every batch.
 *
 * Pure data: used by the webview page and by the extension host alike.
 */
import type { SummaryRow, TraceNote, TraceRow } from '../../server/src/lsp/ext';
import { isDenied, type TraceFilter } from './panelProtocol';

export type TraceItem = TraceRow | TraceNote;

export function isRow(item: TraceItem): item is TraceRow {
  return 'syscall' in item;
}

/** The default bound: rows kept in the panel and in the host. */
export const DEFAULT_MAX_ROWS = 100_000;

interface Tally {
  calls: number;
  errors: number;
  decisions: Record<string, number>;
  denied: boolean;
  location: TraceRow['location'];
}

export class TraceStore {
  private items: TraceItem[] = [];
  /** Index in `items` of the first live item (dropping moves it; compaction resets it). */
  private head = 0;
  private droppedCount = 0;
  private tallies = new Map<string, Tally>();

  constructor(readonly cap: number = DEFAULT_MAX_ROWS) {
    if (!(cap >= 1)) throw new RangeError(`cap must be at least 1, got ${cap}`);
  }

  /** Items currently kept. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Items dropped from the front so far. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Syscall rows ever added (notes, such as `+++ exited +++`, are items but not syscalls). */
  get syscalls(): number {
    return this.rowsAdded;
  }
  private rowsAdded = 0;

  /** Items ever added: the absolute index one past the newest. */
  get total(): number {
    return this.droppedCount + this.size;
  }

  /** The i-th live item (0 = the oldest kept). */
  at(i: number): TraceItem {
    return this.items[this.head + i]!;
  }

  /** The item with absolute index `abs`, if still kept. */
  atAbsolute(abs: number): TraceItem | undefined {
    const i = abs - this.droppedCount;
    return i >= 0 && i < this.size ? this.at(i) : undefined;
  }

  /** Adds one batch; rows and notes are merged by `seq`. */
  add(rows: readonly TraceRow[], notes: readonly TraceNote[] = []): void {
    this.rowsAdded += rows.length;
    if (notes.length === 0) {
      // The common batch (rows only, already in seq order): one pass, no copy of the batch (issue 9: ingest cost per row).
      for (const row of rows) {
        this.tally(row);
        this.items.push(row);
      }
    } else {
      for (const row of rows) this.tally(row);
      for (const item of [...rows, ...notes].sort((a, b) => a.seq - b.seq)) this.items.push(item);
    }
    const over = this.size - this.cap;
    if (over > 0) {
      this.head += over;
      this.droppedCount += over;
      // Compact now and then: slicing on every batch would copy the whole buffer each time.
      if (this.head >= this.cap) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
    }
  }

  /** Counts that a restored snapshot dropped before its first row. */
  addDropped(n: number): void {
    this.droppedCount += n;
  }

  /** The kept row with this `seq` (binary search: items are in `seq` order). */
  findRow(seq: number): TraceRow | undefined {
    let lo = this.head;
    let hi = this.items.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const item = this.items[mid]!;
      if (item.seq === seq) return isRow(item) ? item : undefined;
      if (item.seq < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** The kept items, oldest first (a copy). */
  toArray(): TraceItem[] {
    return this.items.slice(this.head);
  }

  /** Per syscall: calls, errors, decisions; denied syscalls first, then by calls. */
  summary(): SummaryRow[] {
    const out: SummaryRow[] = [];
    for (const [syscall, t] of this.tallies) {
      out.push({ syscall, calls: t.calls, errors: t.errors, decisions: { ...t.decisions }, denied: t.denied, ...(t.location ? { location: t.location } : {}) });
    }
    return sortSummary(out);
  }

  private tally(row: TraceRow): void {
    let t = this.tallies.get(row.syscall);
    if (!t) {
      t = { calls: 0, errors: 0, decisions: {}, denied: false, location: undefined };
      this.tallies.set(row.syscall, t);
    }
    t.calls++;
    if (row.failed) t.errors++;
    t.decisions[row.action] = (t.decisions[row.action] ?? 0) + 1;
    if (isDenied(row.kind) && row.applied !== 'unfiltered' && !t.denied) {
      t.denied = true;
      t.location = row.location; // the rule that denied it, rather than one that allowed it
    } else if (!t.location && !t.denied) {
      t.location = row.location;
    }
  }
}

export function sortSummary(rows: SummaryRow[]): SummaryRow[] {
  return rows.sort((a, b) => Number(b.denied) - Number(a.denied) || b.calls - a.calls || (a.syscall < b.syscall ? -1 : a.syscall > b.syscall ? 1 : 0));
}

/** Whether an item passes the filter; notes pass only filters on text and pid. */
export function matchesFilter(item: TraceItem, f: TraceFilter): boolean {
  if (f.pid.trim() !== '' && String(item.pid) !== f.pid.trim()) return false;
  if (isRow(item)) {
    if (f.syscall.trim() !== '' && item.syscall !== f.syscall.trim()) return false;
    if (f.decision === 'denied' ? !isDenied(item.kind) || item.applied === 'unfiltered' : f.decision !== '' && item.kind !== f.decision) return false;
  } else if (f.syscall.trim() !== '' || f.decision !== '') {
    return false;
  }
  const text = f.text.trim().toLowerCase();
  if (text === '') return true;
  if (item.text.toLowerCase().includes(text)) return true;
  return isRow(item) && (item.action.toLowerCase().includes(text) || item.where.toLowerCase().includes(text));
}

export function isEmptyFilter(f: TraceFilter): boolean {
  return f.text.trim() === '' && f.syscall.trim() === '' && f.pid.trim() === '' && f.decision === '';
}

/**
 * The items of a store that pass a filter, as absolute indices, kept up to
 * date by `update()` (scans only what was added; forgets what was dropped).
 */
export class FilteredView {
  private indices: number[] = [];
  private head = 0;
  private scanned = 0;

  constructor(private readonly store: TraceStore, private filterValue: TraceFilter) {
    this.update();
  }

  get filter(): TraceFilter {
    return this.filterValue;
  }

  setFilter(f: TraceFilter): void {
    this.filterValue = f;
    this.indices = [];
    this.head = 0;
    this.scanned = this.store.dropped;
    this.update();
  }

  /** Follows the store: appends new matches, forgets dropped ones. */
  update(): void {
    const store = this.store;
    if (this.scanned < store.dropped) this.scanned = store.dropped;
    const all = isEmptyFilter(this.filterValue);
    for (let abs = this.scanned; abs < store.total; abs++) {
      if (all || matchesFilter(store.atAbsolute(abs)!, this.filterValue)) this.indices.push(abs);
    }
    this.scanned = store.total;
    while (this.head < this.indices.length && this.indices[this.head]! < store.dropped) this.head++;
    if (this.head > 4096 && this.head * 2 > this.indices.length) {
      this.indices = this.indices.slice(this.head);
      this.head = 0;
    }
  }

  get length(): number {
    return this.indices.length - this.head;
  }

  at(i: number): TraceItem {
    return this.store.atAbsolute(this.indices[this.head + i]!)!;
  }

  /** Position in this view of the first item with `seq` >= the given one, or -1. */
  indexOfSeq(seq: number): number {
    let lo = 0;
    let hi = this.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.at(mid).seq >= seq) {
        found = mid;
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    return found;
  }
}
