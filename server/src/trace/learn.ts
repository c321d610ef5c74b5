/**
 * `learn`: from the events of one run, the smallest policy that lets that
 * run happen again: one rule per syscall seen (grouped by purpose, with call
 * counts), `default kill_process`, the ABIs seen as `arch`. A tight policy
 * (the default) puts conditions on the arguments that decide what a call
 * does to the system (learnConditions.ts); a loose one (`--loose`) only on
 * `socket` domains and `open`/`openat` access modes, as learn first did.
 * Pure.
 */
import { abiInfo, ABIS, type Abi } from '../kernel/abi';
import { constantsByFamily } from '../kernel/constants';
import { allGroups, expandGroup } from '../kernel/groups';
import { argValue, findArg, getSyscall, syscallByNumber } from '../kernel/syscalls';
import { eventAbi } from './attribute';
import type { DoneEvent, HelloEvent, TraceEvent } from './events';
import { ACCESS_MODES, callShape, learnsArguments, plural, tightRule, type InstallMode } from './learnConditions';

export type { InstallMode } from './learnConditions';

export interface LearnOptions {
  /** ABIs for the `arch` statement (default: the ABIs seen). */
  readonly abis?: readonly Abi[];
  /** Argument conditions (default true); false writes a plain `allow` per syscall. */
  readonly conditions?: boolean;
  /** `tight` (default): conditions per learnConditions.ts; `loose`: only socket domains and open access modes. */
  readonly style?: 'tight' | 'loose';
  /** How the filter will be installed (default before-exec): after exec, a program that runs no other needs no `execve`. */
  readonly install?: InstallMode;
  /** Added to the header: when the policy was made (omitted when undefined, for reproducible output). */
  readonly date?: string;
}

interface PerSyscall {
  count: number;
  /** socket: domain values seen. */
  readonly domains: Map<number, number>;
  /** open/openat: flags & O_ACCMODE values seen. */
  readonly accessModes: Map<number, number>;
  /** Syscalls with learned conditions: each call's shape (learnConditions.ts) → calls. */
  readonly shapes: Map<string, number>;
}

function perSyscall(): PerSyscall {
  return { count: 0, domains: new Map(), accessModes: new Map(), shapes: new Map() };
}

/** Groups used as the sections of a learned policy, in order. */
const SECTIONS = ['@default', '@basic-io', '@file-system', '@memory', '@process', '@signal', '@network-io', '@io-event',
  '@ipc', '@credentials', '@resources', '@timer', '@sync', '@sandbox', '@aio', '@privileged'];

/** In a tight policy, rules longer than this are not padded to. */
const LONG_RULE = 48;

export class LearnCollector {
  hello: HelloEvent | undefined;
  done: DoneEvent | undefined;
  syscalls = 0;
  signals = 0;
  /** Distinct tasks (processes and threads). */
  readonly tasks = new Set<number>();
  /** Tasks started as threads (or with another exit signal than SIGCHLD: the kernel's PTRACE_EVENT_CLONE). */
  threads = 0;
  /** Per ABI, per syscall name (or `syscall(N)`). */
  readonly seen = new Map<Abi, Map<string, PerSyscall>>();
  /** Events on ABIs this tool does not know (audit arch → count). */
  readonly unknownAbis = new Map<number, number>();
  /** No syscall of the program seen yet: the next one, an exec, is its start. */
  private beforeFirstCall = true;
  /** The program's own ABI: that of its first call after its start (which the helper made). */
  programAbi: Abi | undefined;
  private callsSeen = 0;

  handle(e: TraceEvent): void {
    switch (e.type) {
      case 'hello': this.hello = e; this.tasks.add(e.pid); return;
      case 'done': this.done = e; return;
      case 'spawn': this.tasks.add(e.pid); if (e.how === 'clone') this.threads++; return;
      case 'signal': this.signals++; return;
      case 'syscall': {
        if (e.startup) return;
        this.syscalls++;
        const first = this.beforeFirstCall;
        this.beforeFirstCall = false;
        const abi = eventAbi(e);
        if (++this.callsSeen === 2) this.programAbi = abi;
        if (!abi) { this.unknownAbis.set(e.abi, (this.unknownAbis.get(e.abi) ?? 0) + 1); return; }
        const info = syscallByNumber(abi, e.nr >>> 0);
        const name = info ? info.name : `syscall(${e.nr >>> 0})`;
        let byName = this.seen.get(abi);
        if (!byName) this.seen.set(abi, (byName = new Map()));
        let s = byName.get(name);
        if (!s) byName.set(name, (s = perSyscall()));
        s.count++;
        if (info && learnsArguments(name)) {
          const regs = e.args.map((x) => BigInt(x));
          const shape = callShape(info, abi, regs, {
            firstExec: first && (name === 'execve' || name === 'execveat'),
            ret: e.ret === null ? null : BigInt(e.ret),
            errno: e.errno,
          });
          if (shape !== undefined) s.shapes.set(shape, (s.shapes.get(shape) ?? 0) + 1);
        }
        // Read the parameter from the registers the kernel reads it from on this ABI.
        const param = (arg: string): bigint => {
          const found = info && findArg(info, arg, abi);
          return (found && argValue(e.args.map((x) => BigInt(x)), found.place)) ?? 0n;
        };
        if (name === 'socket') {
          const d = Number(param('domain') & 0xffffffffn) | 0;
          s.domains.set(d, (s.domains.get(d) ?? 0) + 1);
        } else if (name === 'openat' || name === 'open') {
          const f = Number(param('flags') & 3n);
          s.accessModes.set(f, (s.accessModes.get(f) ?? 0) + 1);
        }
        return;
      }
      default: return;
    }
  }
}

export interface LearnedPolicy {
  readonly text: string;
  readonly abis: readonly Abi[];
  /** Rules written. */
  readonly rules: number;
  /** Syscalls seen on ABIs left out of `arch` (by --arch) or unknown to this tool. */
  readonly dropped: readonly string[];
}

function domainName(abi: Abi, value: number): string {
  const hits = constantsByFamily('AF_').filter((c) => c.values[abi] === BigInt(value) && !/^AF_(FILE|LOCAL|ROUTE|MAX)$/.test(c.name));
  return hits[0]?.name ?? String(value);
}

/** A readable description of the command for the header. */
function commandLine(argv: readonly string[] | undefined): string {
  if (!argv || argv.length === 0) return '(unknown command)';
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ').replace(/[\r\n]/g, ' ');
}

export function learnPolicy(c: LearnCollector, options: LearnOptions = {}): LearnedPolicy {
  const seenAbis = ABIS.map((a) => a.name).filter((a) => c.seen.has(a));
  const abis = options.abis && options.abis.length ? [...options.abis] : seenAbis.length ? seenAbis : ['x86_64' as Abi];
  const conditions = options.conditions ?? true;
  const tight = conditions && (options.style ?? 'tight') === 'tight';
  const install = options.install ?? 'before-exec';
  const dropped: string[] = [];

  // Merge what was seen on the chosen ABIs, by name.
  const merged = new Map<string, PerSyscall>();
  for (const [abi, byName] of c.seen) {
    for (const [name, s] of byName) {
      if (!abis.includes(abi)) { dropped.push(`${name} (${abi})`); continue; }
      let m = merged.get(name);
      if (!m) merged.set(name, (m = perSyscall()));
      m.count += s.count;
      for (const [k, v] of s.shapes) m.shapes.set(k, (m.shapes.get(k) ?? 0) + v);
      for (const [k, v] of s.domains) m.domains.set(k, (m.domains.get(k) ?? 0) + v);
      for (const [k, v] of s.accessModes) m.accessModes.set(k, (m.accessModes.get(k) ?? 0) + v);
    }
  }
  for (const [arch, n] of c.unknownAbis) dropped.push(`${plural(n, 'call')} on audit arch 0x${(arch >>> 0).toString(16)}`);

  // What the start-up and the end need even when this run did not show it.
  const needed = new Map<string, string>();
  const addNeeded = (name: string, why: string) => {
    if (!merged.has(name) && abis.some((a) => getSyscall(name)?.numbers[a] !== undefined)) needed.set(name, why);
  };
  addNeeded('exit_group', 'how the program ends');
  if (c.signals > 0) {
    addNeeded('rt_sigreturn', 'returning from a signal handler (signals were delivered in this run)');
    if (abis.some((a) => abiInfo(a).registerBits === 32)) addNeeded('sigreturn', 'returning from a signal handler on 32-bit ABIs');
    addNeeded('restart_syscall', 'restarting a call a signal interrupted');
  }
  // Threads that wait for each other yield the CPU or not depending on timing: harmless, and one run may not show it.
  if (tight && c.threads > 0) addNeeded('sched_yield', 'threads may yield while they wait for each other (this run started threads)');

  // Sections by built-in group.
  const sectionOf = (name: string): string => SECTIONS.find((g) => expandGroup(g).includes(name)) ?? 'other';
  const sections = new Map<string, string[]>();
  for (const name of [...merged.keys(), ...needed.keys()].sort()) {
    const sec = sectionOf(name);
    let list = sections.get(sec);
    if (!list) sections.set(sec, (list = []));
    list.push(name);
  }

  const ruleOf = (name: string): { text: string; comment: string } | null => {
    const s = merged.get(name);
    if (!s) return { text: `allow ${name}`, comment: `not seen: ${needed.get(name)}` };
    const calls = plural(s.count, 'call');
    const abi = abis[0]!;
    if (tight) {
      const rule = tightRule(name, s.shapes, s.count, { abis, install, programAbi: c.programAbi });
      if (rule !== undefined) return rule;
      return { text: `allow ${name}`, comment: calls };
    }
    if (conditions && name === 'socket' && s.domains.size > 0) {
      const names = [...s.domains.keys()].sort((a, b) => a - b).map((d) => domainName(abi, d));
      const detail = [...s.domains].sort((a, b) => a[0] - b[0]).map(([d, n]) => `${domainName(abi, d)} ${n}`).join(', ');
      return { text: `allow socket if domain in (${names.join(', ')})`, comment: `${calls}: ${detail}` };
    }
    if (conditions && (name === 'openat' || name === 'open') && s.accessModes.size > 0) {
      const modes = [...s.accessModes.keys()].sort((a, b) => a - b);
      const label = (m: number) => ACCESS_MODES[m] ?? String(m);
      const cond = modes.length === 1 ? `flags & O_ACCMODE == ${label(modes[0]!)}` : `flags & O_ACCMODE in (${modes.map(label).join(', ')})`;
      const detail = [...s.accessModes].sort((a, b) => a[0] - b[0]).map(([m, n]) => `${label(m)} ${n}`).join(', ');
      return { text: `allow ${name} if ${cond}`, comment: `${calls}: ${detail}` };
    }
    return { text: `allow ${name}`, comment: calls };
  };

  const lines: string[] = [];
  const cmd = commandLine(c.hello?.argv);
  lines.push(`# Learned by \`seccomp-policy learn\` from one run of: ${cmd}`);
  if (options.date) lines.push(`# on ${options.date}`);
  const status = c.done ? (c.done.program >= 128 ? `was killed by signal ${c.done.program - 128}` : c.done.program >= 0 ? `exited with ${c.done.program}` : 'ended') : 'ended';
  lines.push(`# ${plural(c.syscalls, 'syscall')}, ${plural(merged.size, 'distinct syscall')}, ${plural(c.tasks.size, 'task')}; the program ${status}.`);
  lines.push('# It allows what that run did and nothing else: run the program\'s other code paths and review it.');
  if (dropped.length) lines.push(`# Left out (not on the ABIs in \`arch\`): ${dropped.join(', ')}`);
  const thirtyTwo = c.programAbi !== undefined && abiInfo(c.programAbi).registerBits === 32;
  if (tight && install === 'after-exec' && !thirtyTwo) lines.push('# For a filter installed after exec (`seccomp-policy run --install after-exec`): the program\'s own start is not under it.');
  lines.push('');
  lines.push(`arch ${abis.join(', ')}`);
  lines.push('default kill_process');
  let rules = 0;
  const order = [...SECTIONS, 'other'].filter((s) => sections.has(s));
  for (const sec of order) {
    lines.push('');
    const group = allGroups().find((g) => g.name === sec);
    lines.push(group ? `# ${sec}: ${group.description}` : '# other');
    const rs = sections.get(sec)!.map(ruleOf).filter((r) => r !== null);
    if (rs.length === 0) { lines.pop(); lines.pop(); continue; }
    // Long conditions are not padded to: the short rules' comments stay near them.
    const width = Math.max(...rs.map((r) => r.text.length).filter((n) => !tight || n <= LONG_RULE), 0);
    for (const r of rs) {
      lines.push(`${r.text.padEnd(width)}  # ${r.comment}`);
      rules++;
    }
  }
  lines.push('');
  return { text: lines.join('\n'), abis, rules, dropped };
}
