/**
 * The trace engine: events in (from events.ts), text or JSON lines out,
 * with every syscall attributed to the decision and policy line that
 * decides it; the summary of denied syscalls; in enforce mode, the check
 * that what the kernel did agrees with the attribution. Pure: the CLI feeds
 * it the helper's stream and writes what it returns.
 */
import type { Abi } from '../kernel/abi';
import { abiOfArch, actionText } from '../kernel/seccomp';
import { syscallByNumber } from '../kernel/syscalls';
import type { CompiledProgram } from '../compiler/compile';
import { originLabel, originText, type Origin } from '../compiler/sourcemap';
import type { PolicyModel } from '../policy/semantics/model';
import { Attributor, disagreement, eventAbi, type Decision } from './attribute';
import type { DoneEvent, ErrorEvent, HelloEvent, LimitEvent, SyscallEvent, TraceEvent } from './events';
import { formatExit, formatKilled, formatSignal, formatStop, SyscallFormatter } from './format';

/**
 * `notes`: only what is not a syscall, as text without the pid prefix (the
 * editor's trace panel formats its own rows and shows pids in a column).
 */
export type OutputFormat = 'text' | 'json' | 'none' | 'notes';

export interface SessionOptions {
  /** The compiled policy; without it there is no attribution (learn). */
  readonly program?: CompiledProgram;
  /** The policy's model, for `file:line (default)` labels and rule texts. */
  readonly model?: PolicyModel;
  /** The `--actions` table of a fast-path run (fastpath.ts). */
  readonly actions?: readonly number[];
  readonly output: OutputFormat;
  /** strace -s: bytes of strings and buffers shown. */
  readonly stringLimit?: number;
  /** Column the `# decision` annotation starts at (default 60). */
  readonly annotationColumn?: number;
}

/** How the decision relates to what happened. */
export type Applied =
  /** The kernel applied the filter (enforce mode, filter in force). */
  | 'enforced'
  /** Permissive mode: what the filter would have done. */
  | 'permissive'
  /** The call came before the filter was installed (start-up, after-exec's execve). */
  | 'unfiltered';

export interface DeniedEntry {
  readonly name: string;
  readonly abi: Abi | undefined;
  /** `kill_process`, `errno(EPERM)`, … */
  readonly action: string;
  readonly ret: number;
  readonly origin: Origin;
  /** `policy.seccomp:7`, `policy.seccomp:2 (default)`, `badarch`. */
  readonly where: string;
  /** The rule's text, when a rule decided. */
  readonly rule: string | undefined;
  count: number;
  readonly firstPid: number;
  readonly applied: Applied;
}

export interface Disagreement {
  readonly pid: number;
  readonly name: string;
  readonly action: string;
  readonly where: string;
  readonly reason: string;
  readonly event: SyscallEvent | undefined;
}

interface Pending {
  readonly event: SyscallEvent;
  readonly decision: Decision;
  readonly name: string;
  seccompSigsys: boolean;
}

const JSON_HIGH = /[\u007f-\u00ff]/g;
/** JSON with the protocol's byte-string convention (bytes ≥ 0x7f as \u00XX). */
export function toJsonLine(value: unknown): string {
  return JSON.stringify(value).replace(JSON_HIGH, (c) => '\\u00' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

export class TraceSession {
  readonly attributor: Attributor | undefined;
  private readonly formatter: SyscallFormatter;
  private readonly column: number;
  hello: HelloEvent | undefined;
  done: DoneEvent | undefined;
  error: ErrorEvent | undefined;
  limit: LimitEvent | undefined;
  /** Syscall events seen. */
  syscalls = 0;
  readonly denied = new Map<string, DeniedEntry>();
  readonly disagreements: Disagreement[] = [];
  /** Pids seen, in order of appearance. */
  readonly pids: number[] = [];
  /** A syscall that killed: `execve` under before-exec gets a note. */
  killedAt: { name: string; pid: number; decision: Decision; where: string } | undefined;
  /** The decision on the last syscall handled (undefined without a program), for callers that show their own rows. */
  last: { readonly decision: Decision; readonly applied: Applied } | undefined;
  private readonly pidSet = new Set<number>();
  private multi = false;
  private readonly filtered = new Set<number>();
  private readonly pending = new Map<number, Pending>();
  private killDecisions = 0;
  private sigsysKills: number[] = [];
  private hostAbi: Abi = 'x86_64';

  constructor(readonly options: SessionOptions) {
    this.attributor = options.program ? new Attributor(options.program) : undefined;
    this.formatter = new SyscallFormatter({ stringLimit: options.stringLimit });
    this.column = options.annotationColumn ?? 60;
  }

  get mode(): 'enforce' | 'permissive' {
    return this.hello?.mode ?? 'enforce';
  }

  private prefix(pid: number): string {
    return this.multi && this.options.output !== 'notes' ? `[pid ${pid}] ` : '';
  }

  private seePid(pid: number): void {
    if (this.pidSet.has(pid)) return;
    this.pidSet.add(pid);
    this.pids.push(pid);
    if (this.pids.length > 1) this.multi = true;
  }

  private appliedTo(e: SyscallEvent): Applied {
    if (e.startup) return 'unfiltered';
    if (this.mode === 'permissive') return 'permissive';
    const install = this.hello?.install;
    if (install === 'after-exec' && !this.filtered.has(e.pid)) return 'unfiltered';
    if (install === 'none') return 'permissive';
    return 'enforced';
  }

  /** Handles one event; returns the output for it (no trailing newline) or undefined. */
  handle(e: TraceEvent): string | undefined {
    switch (e.type) {
      case 'hello':
        this.hello = e;
        this.seePid(e.pid);
        this.hostAbi = hostAbiOf(e);
        return this.out(e, () => {
          const how = e.mode === 'permissive'
            ? (e.only_decisions ? 'permissive, fast path' : 'permissive')
            : `enforce, filter installed ${e.install === 'after-exec' ? 'after' : 'before'} exec${e.only_decisions ? ', fast path' : ''}`;
          return `# pid ${e.pid}: ${e.path} (${how})`;
        });
      case 'syscall':
        return this.onSyscall(e);
      case 'signal': {
        this.seePid(e.pid);
        const p = this.pending.get(e.pid);
        if (p && e.sig === 31 && e.code === 1) p.seccompSigsys = true;
        else if (!p && e.sig === 31 && e.code === 1 && this.options.program && this.mode === 'enforce') {
          // A seccomp SIGSYS right after a call that returned: only a trap would do that.
          // (Handled through pending for trapped calls; anything else is a disagreement.)
          this.disagreements.push({ pid: e.pid, name: `syscall ${e.syscall}`, action: '?', where: '?', reason: 'a seccomp SIGSYS arrived that no trapped call explains', event: undefined });
        }
        return this.out(e, () => this.prefix(e.pid) + formatSignal(e, this.hostAbi));
      }
      case 'stop':
        this.seePid(e.pid);
        return this.out(e, () => this.prefix(e.pid) + formatStop(e, this.hostAbi));
      case 'spawn':
        this.seePid(e.pid);
        this.multi = true;
        if (this.filtered.has(e.parent)) this.filtered.add(e.pid);
        return this.options.output === 'json' ? toJsonLine(e) : undefined;
      case 'exec':
        this.seePid(e.pid);
        if (e.old_pid !== undefined) {
          this.resolve(e.old_pid, undefined);
          if (this.filtered.has(e.old_pid)) this.filtered.add(e.pid);
        }
        return this.options.output === 'json' ? toJsonLine(e) : undefined;
      case 'install':
        this.filtered.add(e.pid);
        return this.out(e, () => this.prefix(e.pid) + `# seccomp filter installed ${e.how === 'after-exec' ? 'after exec' : 'before exec'} (${e.instructions} instructions${e.ret !== undefined && e.ret !== '0' ? `, seccomp() returned ${e.ret}` : ''})`);
      case 'exit':
        this.resolve(e.pid, undefined);
        return this.out(e, () => this.prefix(e.pid) + formatExit(e));
      case 'killed':
        this.resolve(e.pid, e.signal);
        if (e.signal === 31) this.sigsysKills.push(e.pid);
        return this.out(e, () => this.prefix(e.pid) + formatKilled(e, this.hostAbi));
      case 'limit':
        this.limit = e;
        return this.out(e, () => e.what === 'timeout'
          ? `# time limit reached (${e.value} s): killing every traced process`
          : `# more than ${e.value} processes and threads (unreaped ones included): killing every traced process`);
      case 'error':
        this.error = e;
        return this.options.output === 'json' ? toJsonLine(e) : undefined;
      case 'done':
        this.done = e;
        this.finish();
        return this.options.output === 'json' ? toJsonLine(e) : undefined;
      default:
        return this.options.output === 'json' ? toJsonLine(e) : undefined;
    }
  }

  private out(e: TraceEvent, text: () => string): string | undefined {
    switch (this.options.output) {
      case 'text': case 'notes': return text();
      case 'json': return toJsonLine(e);
      default: return undefined;
    }
  }

  private onSyscall(e: SyscallEvent): string | undefined {
    this.syscalls++;
    if (!this.pidSet.has(e.pid)) this.seePid(e.pid);
    if (this.pending.size) this.resolve(e.pid, undefined);
    const abi = eventAbi(e);
    const output = this.options.output;
    let decision: Decision | undefined;
    let applied: Applied | undefined;
    if (this.attributor) {
      decision = this.attributor.decideEvent(e);
      applied = this.appliedTo(e);
      if (decision.action !== 'allow' && decision.action !== 'log' && applied !== 'unfiltered') this.recordDenied(e, abi, decision, applied);
      if (applied === 'enforced') this.check(e, abi, decision);
    }
    this.last = decision && applied ? { decision, applied } : undefined;
    if (output === 'none' || output === 'notes') return undefined;
    if (output === 'json') {
      if (!decision) return toJsonLine({ ...e, name: this.formatter.nameOf(e, abi) });
      return toJsonLine({
        ...e,
        name: this.formatter.nameOf(e, abi),
        decision: {
          action: actionText(decision.ret, decision.abi ?? abi),
          kind: decision.action,
          ret: '0x' + (decision.ret >>> 0).toString(16),
          where: originLabel(decision.origin, this.options.model),
          origin: decision.origin,
          applied,
        },
      });
    }
    let line = this.prefix(e.pid) + this.formatter.call(e, abi);
    if (decision) {
      const pad = line.length < this.column ? ' '.repeat(this.column - line.length) : '    ';
      line += pad + '# ' + this.annotation(decision, applied!, abi);
    }
    return line;
  }

  private annotation(d: Decision, applied: Applied, abi: Abi | undefined): string {
    if (applied === 'unfiltered') return 'before the filter';
    const action = actionText(d.ret, d.abi ?? abi);
    const where = originLabel(d.origin, this.options.model);
    if (applied === 'permissive' && d.action !== 'allow') return `would ${action}  ${where}`;
    return `${action}  ${where}`;
  }

  private recordDenied(e: SyscallEvent, abi: Abi | undefined, d: Decision, applied: Applied): void {
    const name = this.formatter.nameOf(e, abi);
    const where = originLabel(d.origin, this.options.model);
    const key = `${name}\0${abi}\0${d.ret}\0${where}`;
    const cur = this.denied.get(key);
    if (cur) { cur.count++; return; }
    this.denied.set(key, {
      name, abi, action: actionText(d.ret, d.abi ?? abi), ret: d.ret, origin: d.origin, where,
      rule: originText(d.origin, this.options.model), count: 1, firstPid: e.pid, applied,
    });
  }

  private check(e: SyscallEvent, abi: Abi | undefined, d: Decision): void {
    const needsWait = e.noreturn || e.ret === null || d.action === 'trap' || d.action === 'kill_process' || d.action === 'kill_thread';
    // The common case, an allowed call that returned: nothing to check (disagreement() finds
    // nothing without a SIGSYS, which only a pending call can meet), nothing to name.
    if (!needsWait && !e.seccomp && (d.action === 'allow' || d.action === 'log')) return;
    const name = this.formatter.nameOf(e, abi);
    if (e.seccomp && this.options.actions) {
      const real = this.options.actions[e.seccomp.data];
      if (real !== undefined && real >>> 0 !== d.ret >>> 0) {
        this.disagreements.push({
          pid: e.pid, name, action: actionText(d.ret, abi), where: originLabel(d.origin, this.options.model), event: e,
          reason: `the helper was told ${actionText(real, abi)} (index ${e.seccomp.data}) but the program decides ${actionText(d.ret, abi)}`,
        });
      }
    }
    if (d.action === 'kill_process' || d.action === 'kill_thread') {
      this.killDecisions++;
      this.killedAt ??= { name, pid: e.pid, decision: d, where: originLabel(d.origin, this.options.model) };
    }
    if (d.action === 'trap') this.killDecisions++;
    if (needsWait) {
      this.pending.set(e.pid, { event: e, decision: d, name, seccompSigsys: false });
      return;
    }
    const reason = disagreement(d, { noreturn: false, ret: BigInt(e.ret!), killedBySigsys: false, seccompSigsys: false }, e.nr);
    if (reason) this.disagreements.push({ pid: e.pid, name, action: actionText(d.ret, abi), where: originLabel(d.origin, this.options.model), reason, event: e });
  }

  /** Settles the pending check of `pid` once its next event (or its death by `signal`) is known. */
  private resolve(pid: number, killedBy: number | undefined): void {
    const p = this.pending.get(pid);
    if (!p) return;
    this.pending.delete(pid);
    const e = p.event;
    const noreturn = e.noreturn === true || e.ret === null;
    const fastKill = this.hello?.only_decisions === true && this.hello.kill_prefix === false;
    const killedBySigsys = killedBy === 31 || (fastKill && killedBy === 9);
    if ((p.decision.action === 'allow' || p.decision.action === 'log') && noreturn) return; // e.g. exit_group, or killed by another thread
    const reason = disagreement(p.decision, {
      noreturn, ret: noreturn ? undefined : BigInt(e.ret!), killedBySigsys, seccompSigsys: p.seccompSigsys,
    }, e.nr);
    if (reason) {
      const abi = eventAbi(e);
      this.disagreements.push({ pid, name: p.name, action: actionText(p.decision.ret, abi), where: originLabel(p.decision.origin, this.options.model), reason, event: e });
    }
  }

  private finish(): void {
    for (const pid of [...this.pending.keys()]) this.resolve(pid, undefined);
    if (this.options.program && this.mode === 'enforce' && this.sigsysKills.length > 0 && this.killDecisions === 0) {
      this.disagreements.push({
        pid: this.sigsysKills[0]!, name: '?', action: '?', where: '?', event: undefined,
        reason: 'a task was killed by SIGSYS but the filter killed or trapped no call',
      });
    }
  }

  /** Denied syscalls, most frequent first. */
  deniedList(): DeniedEntry[] {
    return [...this.denied.values()].sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
  }

  /** The summary table (text), or undefined when nothing was denied. */
  summary(): string | undefined {
    const list = this.deniedList();
    const permissive = this.mode === 'permissive';
    if (list.length === 0) {
      if (!this.attributor) return undefined;
      return `# ${permissive ? 'the policy would allow every syscall of this run' : 'no syscall was denied'} (${this.syscalls} syscall${this.syscalls === 1 ? '' : 's'} traced)`;
    }
    const head = permissive ? 'syscalls the policy would deny (permissive run: they were allowed)' : 'denied syscalls';
    const rows = list.map((d) => [String(d.count), d.name + (d.abi && d.abi !== this.hostAbi ? ` (${d.abi})` : ''), d.action, d.where, d.rule ?? '']);
    const widths = [5, 7, 6, 4].map((w, i) => Math.max(w, ...rows.map((r) => r[i]!.length)));
    const fmt = (r: readonly string[]) => `  ${r[0]!.padStart(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]!.padEnd(widths[2]!)}  ${r[3]!.padEnd(widths[3]!)}  ${r[4]}`.trimEnd();
    const lines = [`# ${head}:`, fmt(['calls', 'syscall', 'action', 'rule', '']), ...rows.map(fmt)];
    return lines.join('\n');
  }

  /** A note when the policy killed the program at its own execve (before-exec install). */
  execveNote(): string | undefined {
    const k = this.killedAt;
    if (!k || (k.name !== 'execve' && k.name !== 'execveat') || this.hello?.install !== 'before-exec') return undefined;
    return `note: the policy does not allow ${k.name}: the filter is installed before the program's execve (--install before-exec), so the program was killed before it started; allow ${k.name}, or use --install after-exec for a program that is meant to start unfiltered`;
  }
}

/** The ABI of the helper (its audit arch), for printing signals. */
export function hostAbiOf(hello: HelloEvent | undefined): Abi {
  return (hello && abiOfArch(hello.abi)) ?? 'x86_64';
}

/** For messages: a syscall name on an ABI. */
export function syscallName(abi: Abi, nr: number): string {
  return syscallByNumber(abi, nr)?.name ?? `syscall ${nr}`;
}
