/**
 * One run as the editor sees it: the helper's events become trace rows
 * (strace text, decision, the policy range that decided), notes for what is
 * not a syscall, and at the end the verdict sentence, a `strace -c`-like
 * summary and the per-rule coverage. Pure: the run manager (runs.ts) feeds
 * events and sends what `take()` returns.
 *
 * Memory is bounded whatever the run's length: rows are handed out and
 * forgotten; only counters per syscall and per rule are kept, and the
 * argument values per rule are kept up to a few distinct ones.
 */
import { basename } from 'node:path';
import type { Location, Range } from 'vscode-languageserver-types';
import type { Abi } from '../kernel/abi';
import { errnoName, signalName } from '../kernel/constants';
import { actionKindOf, actionText, MAX_ERRNO } from '../kernel/seccomp';
import type { CompiledProgram } from '../compiler/compile';
import { originLabel, originStatement, type Origin } from '../compiler/sourcemap';
import type { PolicyModel } from '../policy/semantics/model';
import type { Statement } from '../policy/syntax/ast';
import type { AskAnswer, AskQuestion } from '../trace/ask';
import { eventAbi, type Decision } from '../trace/attribute';
import type { SyscallEvent, TraceEvent } from '../trace/events';
import { SyscallFormatter } from '../trace/format';
import { hostAbiOf, TraceSession } from '../trace/session';
import type { DecisionKind, RowColumns, RowShape, RuleCoverage, RunMode, SummaryRow, TraceNote } from './ext';
import { RowColumnsBuilder } from './rowColumns';

/** A statement and the file it is in (a rule, or the default or badarch statement). */
type Placed = { readonly file: string; readonly statement: Statement };

/** Distinct values kept per rule, syscall and argument; beyond this the argument is "anything". */
export const MAX_SEEN_VALUES = 8;

export interface RunReportOptions {
  readonly model: PolicyModel;
  readonly program: CompiledProgram;
  readonly mode: RunMode;
  /** The URI of a policy file (the editor's URI for open documents). */
  readonly uriOf: (path: string) => string;
  readonly stringLimit?: number;
  /** The program's name, for sentences ("`foo` was not found"). */
  readonly command: string;
}

/** Argument values a rule was seen deciding, per syscall and ABI: the raw registers, distinct, bounded. */
export interface SeenArgs {
  readonly syscall: string;
  readonly abi: Abi;
  /** Per register: the distinct values (hex), or undefined once there were too many. */
  readonly values: (Set<string> | undefined)[];
}

interface SyscallCounters {
  calls: number;
  errors: number;
  readonly decisions: Record<string, number>;
  denied: boolean;
  location: Location | undefined;
}

export interface FinishInfo {
  /** The program's status (exit code, or 128 + signal), undefined when it never ran. */
  readonly status: number | undefined;
  /** Stopped from the editor. */
  readonly stopped: boolean;
  /** A failure of ours (helper missing, killed, unreadable stream), one sentence. */
  readonly error: string | undefined;
  /** The helper could not start the program (126 cannot execute, 127 not found), with its message. */
  readonly notStarted?: { readonly code: number; readonly message: string } | undefined;
}

/** What a row shows of its decision, the same for every call a decision decides (cached per decision). */
interface Decided {
  readonly shape: RowShape;
  /** The counts' key of the deciding statement (originKey), for a filtered call. */
  readonly key: string | undefined;
}

type Applied = RowShape['applied'];
const APPLIED_INDEX: Readonly<Record<Applied, number>> = { enforced: 0, permissive: 1, unfiltered: 2 };

export function decisionKind(action: Decision['action']): DecisionKind {
  const kind = actionKindOf(action);
  return kind === 'kill_process' || kind === 'kill_thread' ? 'kill' : kind;
}

export class RunReport {
  readonly session: TraceSession;
  private readonly formatter: SyscallFormatter;
  private seq = 0;
  private readonly rows = new RowColumnsBuilder();
  private notes: TraceNote[] = [];
  /**
   * Per decision (the attributor hands out one object per syscall whose
   * decision reads no argument) and how it applied: what its rows show.
   * Building the action text, the rule's label and range and the shape for
   * every row was a good part of the server's time per row (bench/panel.mjs).
   */
  private readonly decided = new WeakMap<Decision, (Decided | undefined)[]>();
  private readonly perSyscall = new Map<string, SyscallCounters>();
  /** Decisions per origin key (`rule:N`, `default`, `badarch`). */
  readonly counts = new Map<string, number>();
  /** Per rule index: argument values seen, per syscall and ABI. */
  readonly seenArgs = new Map<number, Map<string, SeenArgs>>();
  private readonly locations = new Map<string, Location | undefined>();
  private readonly wheres = new Map<string, string>();
  fatalSeq: number | undefined;
  private fatal: { name: string; origin: Origin } | undefined;
  /** The first enforced denial of the program's own execve (it then never starts: exit 126, or a kill). */
  private deniedExec: { name: string; origin: Origin; action: string } | undefined;

  constructor(readonly options: RunReportOptions) {
    this.session = new TraceSession({ program: options.program, model: options.model, output: 'notes', ...(options.stringLimit !== undefined ? { stringLimit: options.stringLimit } : {}) });
    this.formatter = new SyscallFormatter({ ...(options.stringLimit !== undefined ? { stringLimit: options.stringLimit } : {}) });
  }

  get syscalls(): number {
    return this.session.syscalls;
  }

  /** Handles one event at `time` ms after the start. */
  handle(e: TraceEvent, time: number): void {
    const note = this.session.handle(e);
    if (e.type === 'syscall') {
      this.onSyscall(e, time);
      return;
    }
    const pid = 'pid' in e && typeof e.pid === 'number' ? e.pid : 0;
    let text = note;
    if (text === undefined) {
      if (e.type === 'spawn') text = `# new ${e.how === 'clone' ? 'thread or process' : 'process'} ${e.pid} (${e.how} by ${e.parent})`;
      else if (e.type === 'exec') text = `# pid ${e.pid} executes ${e.path}`;
      else if (e.type === 'error') text = `# the trace helper failed: ${e.message}`;
    }
    if (text !== undefined) this.notes.push({ seq: this.seq++, pid, time, text });
  }

  private onSyscall(e: SyscallEvent, time: number): void {
    const abi = eventAbi(e);
    const name = this.formatter.nameOf(e, abi);
    const last = this.session.last;
    const failed = e.ret !== null && e.ret.startsWith('-') && Number(e.ret) >= -MAX_ERRNO;
    const seq = this.seq++;
    const counters = this.counter(name);
    counters.calls++;
    if (failed) counters.errors++;
    let shape: RowShape;
    if (last) {
      const d = last.decision;
      const applied = last.applied;
      const decided = this.decidedFor(d, applied, name, abi);
      shape = decided.shape;
      if (applied !== 'unfiltered') {
        const { action, kind, location } = shape;
        this.countDecision(counters, decided.key, action, kind, location);
        if (d.origin.kind === 'rule' && abi) this.seeArgs(d.origin.rule, name, abi, e.args);
        if ((name === 'execve' || name === 'execveat') && kind !== 'allow' && kind !== 'log' && applied === 'enforced') {
          this.deniedExec ??= { name, origin: d.origin, action };
        }
        if (kind === 'kill' && applied === 'enforced' && this.fatalSeq === undefined) {
          this.fatalSeq = seq;
          this.fatal = { name, origin: d.origin };
        }
      }
    } else {
      shape = this.rows.shapeOf(name, abi, 'allow', 'none', 'before the filter', 'unfiltered', undefined);
    }
    this.rows.add(seq, e.pid, time, shape, this.formatter.call(e, abi), failed, e.args);
  }

  /**
   * An ask run's answered call (driver/ask.ts): ask mode has no syscall
   * events, so each call the filter sent us becomes a row here. The row shows
   * what was applied (the answer: `allow`, `errno(EPERM)`, `kill_process`),
   * the policy's own deciding line as its rule, and in its text what the
   * policy says and whether the answer was given now or remembered.
   */
  answered(q: AskQuestion, a: AskAnswer, fresh: boolean, time: number): void {
    const abi = q.abi ?? 'x86_64';
    const seq = this.seq++;
    const counters = this.counter(q.syscall);
    counters.calls++;
    const errno = a.kind === 'deny' ? (errnoName(abi, a.errno) ?? String(a.errno)) : undefined;
    const [action, kind]: [string, DecisionKind] = a.kind === 'deny' ? [`errno(${errno})`, 'errno'] : a.kind === 'kill' ? ['kill_process', 'kill'] : ['allow', 'allow'];
    if (a.kind === 'deny') counters.errors++;
    const location = this.locationOf(q.decision.origin);
    this.countDecision(counters, originKey(q.decision.origin), action, kind, location);
    // Killed on the user's answer: the row to show, but not a denial by the policy in the sentence.
    if (a.kind === 'kill' && this.fatalSeq === undefined) this.fatalSeq = seq;
    const result = a.kind === 'deny' ? `-1 ${errno}` : '?';
    const answer = a.kind === 'always' ? 'allow always' : a.kind === 'allow' ? 'allow once' : a.kind === 'deny' ? `deny ${errno}` : 'kill';
    const text = `${q.call} = ${result} (${fresh ? 'answered' : 'remembered'}: ${answer}; the policy says ${q.action})`;
    const shape = this.rows.shapeOf(q.syscall, q.abi, action, kind, this.where(q.decision.origin), 'enforced', location);
    this.rows.add(seq, q.pid, time, shape, text, a.kind === 'deny', q.args);
  }

  /** Counts one decided call: its syscall's decisions and first rule, and its rule's coverage (`key`). */
  private countDecision(counters: SyscallCounters, key: string | undefined, action: string, kind: DecisionKind, location: Location | undefined): void {
    if (key) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    counters.decisions[action] = (counters.decisions[action] ?? 0) + 1;
    if (kind !== 'allow' && kind !== 'log') counters.denied = true;
    counters.location ??= location;
  }

  /** What rows of `name` decided by `d` show (cached per decision; for the same syscall, as it always is). */
  private decidedFor(d: Decision, applied: Applied, name: string, abi: Abi | undefined): Decided {
    let byApplied = this.decided.get(d);
    const i = APPLIED_INDEX[applied];
    const hit = byApplied?.[i];
    if (hit && hit.shape.syscall === name && hit.shape.abi === abi) return hit;
    const action = actionText(d.ret, d.abi ?? abi);
    let decided: Decided;
    if (applied === 'unfiltered') {
      decided = { shape: this.rows.shapeOf(name, abi, action, 'none', 'before the filter', applied, undefined), key: undefined };
    } else {
      decided = {
        shape: this.rows.shapeOf(name, abi, action, decisionKind(d.action), this.where(d.origin), applied, this.locationOf(d.origin)),
        key: originKey(d.origin),
      };
    }
    if (!byApplied) this.decided.set(d, byApplied = []);
    byApplied[i] = decided;
    return decided;
  }

  private counter(name: string): SyscallCounters {
    let c = this.perSyscall.get(name);
    if (!c) {
      c = { calls: 0, errors: 0, decisions: {}, denied: false, location: undefined };
      this.perSyscall.set(name, c);
    }
    return c;
  }

  private seeArgs(rule: number, syscall: string, abi: Abi, args: readonly string[]): void {
    let byCall = this.seenArgs.get(rule);
    if (!byCall) this.seenArgs.set(rule, byCall = new Map());
    const key = `${syscall}\0${abi}`;
    let seen = byCall.get(key);
    if (!seen) byCall.set(key, seen = { syscall, abi, values: args.map(() => new Set<string>()) });
    args.forEach((v, i) => {
      const set = seen!.values[i];
      if (!set || set.has(v)) return;
      if (set.size >= MAX_SEEN_VALUES) seen!.values[i] = undefined;
      else set.add(v);
    });
  }

  /** A note of our own (a warning before the run starts). */
  note(text: string, time: number): void {
    this.notes.push({ seq: this.seq++, pid: 0, time, text });
  }

  /** `the rule at p.seccomp:3`, `the default action at p.seccomp:2`. */
  private decider(origin: Origin): string {
    const by = origin.kind === 'rule' ? 'the rule' : `the ${origin.kind} action`;
    return `${by} at ${this.where(origin).replace(/ \((default|badarch)\)$/, '')}`;
  }

  /** Rows (in columns, as `seccomp/runEvents` sends them) and notes since the last call. */
  take(): { rows: RowColumns; notes: TraceNote[] } {
    const out = { rows: this.rows.take(), notes: this.notes };
    this.notes = [];
    return out;
  }

  get pending(): number {
    return this.rows.length + this.notes.length;
  }

  /** `policy.seccomp:7`, `policy.seccomp:2 (default)`, `badarch`: short, for rows and sentences. */
  where(origin: Origin): string {
    // Cached per rule (as locations are): every row asks, and the label of an origin never changes during a run.
    const key = originKey(origin);
    if (key === undefined) return originLabel(origin, this.options.model, basename);
    let w = this.wheres.get(key);
    if (w === undefined) this.wheres.set(key, w = originLabel(origin, this.options.model, basename));
    return w;
  }

  /** The policy range behind an origin (rule, `default` or `badarch` statement). */
  locationOf(origin: Origin): Location | undefined {
    const key = originKey(origin) ?? origin.kind;
    if (this.locations.has(key)) return this.locations.get(key);
    const placed = originStatement(origin, this.options.model);
    const loc = placed ? this.statementLocation(placed) : undefined;
    this.locations.set(key, loc);
    return loc;
  }

  private statementLocation(placed: Placed): Location {
    const lines = this.options.model.files.get(placed.file)!.lines;
    const range: Range = { start: lines.positionAt(placed.statement.start), end: lines.positionAt(placed.statement.end) };
    return { uri: this.options.uriOf(placed.file), range };
  }

  /** Per syscall: calls, errors, decisions; denied ones first, then by calls. */
  summary(): SummaryRow[] {
    return [...this.perSyscall.entries()]
      .map(([syscall, c]) => ({ syscall, calls: c.calls, errors: c.errors, decisions: c.decisions, denied: c.denied, ...(c.location ? { location: c.location } : {}) }))
      .sort((a, b) => Number(b.denied) - Number(a.denied) || b.calls - a.calls || (a.syscall < b.syscall ? -1 : 1));
  }

  /** Every rule (and the default and badarch statements) with how often it decided. */
  coverage(): RuleCoverage[] {
    const m = this.options.model;
    const out: RuleCoverage[] = m.rules.map((r, i) => ({ location: this.statementLocation(r), count: this.counts.get(`rule:${i}`) ?? 0 }));
    if (m.defaultStatement) out.push({ location: this.statementLocation(m.defaultStatement), count: this.counts.get('default') ?? 0 });
    if (m.badarchStatement) out.push({ location: this.statementLocation(m.badarchStatement), count: this.counts.get('badarch') ?? 0 });
    return out;
  }

  /** One sentence on how the run ended. */
  sentence(info: FinishInfo): string {
    if (info.error) return info.error;
    const program = `\`${this.options.command}\``;
    if (info.notStarted) {
      if (info.notStarted.code === 127) return `${program} was not found (exit 127)`;
      // The filter goes in before the program's execve: a policy that denies it stops the program there.
      if (this.deniedExec) return `${program} could not be executed: \`${this.deniedExec.name}\` denied with ${this.deniedExec.action} by ${this.decider(this.deniedExec.origin)} (the filter is installed before the program's execve; allow it) (exit 126)`;
      const why = info.notStarted.message.replace(/^.*?: /, '');
      return `${program} could not be executed (${why || 'exit 126'}${why ? '; exit 126' : ''})`;
    }
    const done = this.session.done;
    if (info.stopped && !done) return 'stopped from the editor; the program was killed';
    if (done?.reason === 'timeout') return `stopped at the time limit (${this.session.limit?.value ?? '?'} s); the program was killed`;
    if (done?.reason === 'max-procs') return `stopped: more than ${this.session.limit?.value ?? '?'} processes and threads; the program was killed`;
    const status = info.status;
    if (status === undefined) return 'the program did not run';
    const abi = hostAbiOf(this.session.hello);
    if (status > 128 && status < 128 + 65) {
      const sig = signalName(abi, status - 128) ?? `signal ${status - 128}`;
      if (this.fatal) {
        const atExec = this.session.execveNote() !== undefined ? ' (the filter is installed before the program\'s execve; allow it)' : '';
        return `killed by ${sig}: \`${this.fatal.name}\` denied by ${this.decider(this.fatal.origin)}${atExec}`;
      }
      return `killed by ${sig}`;
    }
    const head = `exited with status ${status}`;
    const denied = this.summary().filter((r) => r.denied);
    const permissive = this.options.mode === 'permissive';
    if (denied.length === 0) return `${head}; ${permissive ? 'the policy would allow every syscall of this run' : 'no syscall was denied'}`;
    const calls = denied.reduce((n, r) => n + Object.entries(r.decisions).filter(([a]) => a !== 'allow' && a !== 'log').reduce((m, [, k]) => m + k, 0), 0);
    const names = denied.slice(0, 3).map((r) => `\`${r.syscall}\``).join(', ') + (denied.length > 3 ? ', …' : '');
    return `${head}; ${calls} call${calls === 1 ? '' : 's'} ${permissive ? 'would be' : calls === 1 ? 'was' : 'were'} denied (${names})`;
  }
}

/** The key counts are kept under: one per rule, plus the default and badarch statements. */
export function originKey(origin: Origin): string | undefined {
  switch (origin.kind) {
    case 'rule': return `rule:${origin.rule}`;
    case 'default': return 'default';
    case 'badarch': return 'badarch';
    default: return undefined;
  }
}
