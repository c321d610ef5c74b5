/**
 * Ask mode, the pure half (docs/trace-protocol.md, "Ask mode"): the helper
 * runs the program under a filter compiled with `notifyUnlessAllowed`, and
 * reports each call that filter sends to it as an `ask` event. Here: what
 * such a call is (the policy's own decision and the rule behind it, read
 * from the policy's normal program), the key under which an answer is
 * remembered for the rest of the run, the line that carries an answer back
 * to the helper, and the scripted answers file.
 *
 * The kernel's notifier hands us registers, not memory: a pointer argument
 * could be rewritten by another thread between our reading it and the call
 * running, so nothing behind a pointer is read or decided on. The key is the
 * syscall and the values of exactly the words the policy's filter loaded on
 * this call's path: two calls with the same key get the same decision from
 * the policy, so they get the same answer.
 */
import type { Abi } from '../kernel/abi';
import { BPF_ABS, BPF_LD, BPF_W } from '../bpf/instructions';
import { runProgramOnWords, seccompDataWords } from '../bpf/interpreter';
import { constantValue, errnoInfo, errnoName } from '../kernel/constants';
import { argPlace, argValue, getSyscall, isPointerKind, syscallByNumber } from '../kernel/syscalls';
import type { SyscallInfo } from '../kernel/types';
import type { CompiledProgram } from '../compiler/compile';
import { originLabel } from '../compiler/sourcemap';
import type { PolicyModel } from '../policy/semantics/model';
import { valueLiteral } from '../service/argConditions';
import { Attributor, eventAbi, type Decision } from './attribute';

/** A call the filter sent to the helper's listener; it waits for an answer. */
export interface AskEvent {
  readonly type: 'ask';
  /** The notification id (a 64-bit number, as a decimal string). */
  readonly id: string;
  readonly pid: number;
  readonly abi: number;
  readonly nr: number;
  /** The six argument registers, `0x…`. */
  readonly args: readonly string[];
  readonly ip: string;
}

export function isAskEvent(e: { readonly type: string }): e is AskEvent {
  return e.type === 'ask';
}

/**
 * An answer. `allow` ("allow once"): this call runs, and so does every later
 * call with the same key in this run; the policy is not changed. `always`:
 * the same, and a rule allowing it is added to the policy file. `deny`: the
 * call fails with `errno`. `kill`: the calling process is killed (SIGKILL).
 */
export type AskAnswer =
  | { readonly kind: 'allow' }
  | { readonly kind: 'always' }
  | { readonly kind: 'deny'; readonly errno: number }
  | { readonly kind: 'kill' };

export const EPERM = 1;

/** The line that carries an answer to the helper (its `--answers-fd`). */
export function answerLine(id: string, a: AskAnswer): string {
  switch (a.kind) {
    case 'allow':
    case 'always': return `${id} allow\n`;
    case 'deny': return `${id} errno ${a.errno}\n`;
    case 'kill': return `${id} kill\n`;
  }
}

/** An argument register the policy's filter read on this call's path, with what it holds. */
export interface ReadArgument {
  /** The argument's index in the syscall's signature, or the register number when unknown. */
  readonly index: number;
  /** Its name in the signature (`mode`), or `args[N]`. */
  readonly name: string;
  /** The value as the policy language writes it (`0o700`, `-100`, `0x80000`). */
  readonly literal: string;
}

/** What the user (or the panel) is asked about one call. */
export interface AskQuestion {
  /** Answers are remembered under this key: arch, number and the words the filter read. */
  readonly key: string;
  readonly pid: number;
  /** The syscall's name, or `syscall(N)` when the tables do not know the number. */
  readonly syscall: string;
  readonly abi: Abi | undefined;
  /** The call with its register arguments, e.g. `mkdirat(dfd=-100, pathname=0x7ffd…, mode=0o700)`. */
  readonly call: string;
  /** What the policy itself decides for this call (its normal program, not the ask one). */
  readonly decision: Decision;
  /** The policy line behind that decision (`policy.sp:3`, `policy.sp:1 (default)`). */
  readonly where: string;
  /** The action as a policy writes it: `kill_process`, `errno(EACCES)`, … */
  readonly action: string;
  /** The arguments the decision depends on (empty: the syscall alone decides). */
  readonly decidedOn: readonly ReadArgument[];
  /** Registers as the event gave them (for a rule conditioned on them). */
  readonly args: readonly string[];
  /** The argument registers (0-5) the filter read on this call's path. */
  readonly readRegisters: readonly number[];
}

const LD_ABS_W = BPF_LD | BPF_W | BPF_ABS;
/** seccomp_data: args[i] is at byte 16 + 8i (low word first on our little-endian ABIs). */
const ARGS_OFFSET = 16;

function words(e: AskEvent): Uint32Array {
  return seccompDataWords({ nr: e.nr, arch: e.abi, instructionPointer: BigInt(e.ip), args: e.args.map((a) => BigInt(a)) });
}

/** The action as a policy writes it. */
export function actionText(d: Decision, abi: Abi | undefined): string {
  switch (d.action) {
    case 'errno': return `errno(${errnoName(abi ?? 'x86_64', d.data) ?? d.data})`;
    case 'trap':
    case 'trace': return d.data ? `${d.action}(${d.data})` : d.action;
    case 'user_notif': return 'notify';
    default: return d.action;
  }
}

/**
 * The policy side of ask mode for one run: turns `ask` events into
 * questions, and remembers answers per key.
 */
export class AskPolicy {
  private readonly attributor: Attributor;
  private readonly answers = new Map<string, AskAnswer>();
  private readonly argLoads: Uint8Array;

  /** `program`: the policy compiled normally (not the ask program), to tell what the policy says. */
  constructor(readonly program: CompiledProgram, readonly model: PolicyModel | undefined, private readonly fileName?: (path: string) => string) {
    this.attributor = new Attributor(program);
    this.argLoads = new Uint8Array(program.instructions.length);
    program.instructions.forEach((ins, pc) => {
      if (ins.code === LD_ABS_W && (ins.k >>> 0) >= 8) this.argLoads[pc] = 1;
    });
  }

  question(e: AskEvent): AskQuestion {
    const w = words(e);
    const run = runProgramOnWords(this.program.instructions, w, { recordPath: true });
    const read = new Set<number>();
    for (const pc of run.path!) if (this.argLoads[pc]) read.add(this.program.instructions[pc]!.k >>> 0);
    const offsets = [...read].sort((a, b) => a - b);
    const key = `${e.abi >>> 0}:${e.nr}` + offsets.map((o) => `:${o}=${w[o / 4]!.toString(16)}`).join('');
    const abi = eventAbi(e);
    const sys = abi ? syscallByNumber(abi, e.nr) : undefined;
    const decision = this.attributor.decide(e.abi, e.nr, e.args, e.ip);
    const registers = new Set(offsets.filter((o) => o >= ARGS_OFFSET).map((o) => Math.floor((o - ARGS_OFFSET) / 8)));
    return {
      key, pid: e.pid, syscall: sys?.name ?? `syscall(${e.nr})`, abi, call: callText(sys, abi, e), decision,
      where: originLabel(decision.origin, this.model, this.fileName), action: actionText(decision, abi),
      decidedOn: readArguments(sys, abi, e, registers), args: e.args, readRegisters: [...registers].sort(),
    };
  }

  /** The answer given earlier for this key in this run, if any. */
  remembered(q: AskQuestion): AskAnswer | undefined {
    return this.answers.get(q.key);
  }

  remember(q: AskQuestion, a: AskAnswer): void {
    this.answers.set(q.key, a);
  }
}

function bigArgs(e: AskEvent): bigint[] {
  return e.args.map((a) => BigInt(a));
}

/** The arguments that live in `registers`, by the signature (a 64-bit pair counts when either half was read). */
function readArguments(sys: SyscallInfo | undefined, abi: Abi | undefined, e: AskEvent, registers: ReadonlySet<number>): ReadArgument[] {
  if (registers.size === 0) return [];
  if (!sys || !abi) return [...registers].sort().map((r) => ({ index: r, name: `args[${r}]`, literal: e.args[r] ?? '0x0' }));
  const out: ReadArgument[] = [];
  const args = bigArgs(e);
  sys.args.forEach((arg, i) => {
    const place = argPlace(sys, i, abi);
    const regs = place.kind === 'reg' ? [place.reg] : place.kind === 'pair' ? [place.lo, place.hi] : [];
    if (!regs.some((r) => registers.has(r))) return;
    const v = argValue(args, place);
    if (v !== undefined) out.push({ index: i, name: arg.name, literal: valueLiteral(v, arg, abi) });
  });
  return out;
}

/** `name(a=1, b=0x7ffd…)`: integers as the policy writes them, pointers as addresses (never read). */
function callText(sys: SyscallInfo | undefined, abi: Abi | undefined, e: AskEvent): string {
  if (!sys || !abi) return `syscall(${e.nr}, ${e.args.join(', ')})`;
  const args = bigArgs(e);
  const parts = sys.args.map((arg, i) => {
    const v = argValue(args, argPlace(sys, i, abi));
    if (v === undefined) return `${arg.name}=?`;
    return `${arg.name}=${isPointerKind(arg.kind) ? '0x' + v.toString(16) : valueLiteral(v, arg, abi)}`;
  });
  return `${sys.name}(${parts.join(', ')})`;
}

// ---- answers as text -------------------------------------------------------------------

export class AnswerSyntaxError extends Error {}

/** An errno by name (`EACCES`) or number, for `deny`; undefined when it is neither. */
export function parseErrno(text: string, abi: Abi = 'x86_64'): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= 1 && n <= 4095 ? n : undefined;
  }
  const info = errnoInfo(text.toUpperCase());
  const v = info ? constantValue(info.name, abi) : undefined;
  return v === undefined ? undefined : Number(v);
}

/**
 * One answer as typed at the prompt or written in an answers file:
 * `allow` (`a`), `always` (`w`), `deny [ERRNO]` (`d`, EPERM by default), `kill` (`k`).
 */
export function parseAnswer(text: string, abi: Abi = 'x86_64'): AskAnswer {
  const [word = '', arg, extra] = text.trim().split(/\s+/);
  if (extra !== undefined) throw new AnswerSyntaxError(`too many words in '${text.trim()}'`);
  switch (word.toLowerCase()) {
    case 'a': case 'allow': case 'once':
      if (arg === undefined) return { kind: 'allow' };
      break;
    case 'w': case 'always':
      if (arg === undefined) return { kind: 'always' };
      break;
    case 'k': case 'kill':
      if (arg === undefined) return { kind: 'kill' };
      break;
    case 'd': case 'deny': {
      if (arg === undefined) return { kind: 'deny', errno: EPERM };
      const errno = parseErrno(arg, abi);
      if (errno === undefined) throw new AnswerSyntaxError(`'${arg}' is not an errno name or number (1-4095)`);
      return { kind: 'deny', errno };
    }
    default:
      throw new AnswerSyntaxError(`'${word}' is not an answer (allow, always, deny [ERRNO], kill)`);
  }
  throw new AnswerSyntaxError(`'${word}' takes no argument`);
}

/** The answer as text, for messages (`deny EACCES`). */
export function answerText(a: AskAnswer, abi: Abi = 'x86_64'): string {
  return a.kind === 'deny' ? `deny ${errnoName(abi, a.errno) ?? a.errno}` : a.kind;
}

/**
 * A scripted answers file (`run --ask --ask-answers FILE`): one line per
 * syscall, `SYSCALL ANSWER`, with `*` for every syscall not named; `#`
 * starts a comment. For example:
 *
 *     getpid allow
 *     mkdirat always
 *     uname deny EACCES
 *     * kill
 */
export class ScriptedAnswers {
  private constructor(private readonly bySyscall: ReadonlyMap<string, AskAnswer>) {}

  static parse(text: string): ScriptedAnswers {
    const map = new Map<string, AskAnswer>();
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) return;
      const m = /^(\S+)\s+(.+)$/.exec(line);
      if (!m) throw new AnswerSyntaxError(`line ${i + 1}: expected 'SYSCALL ANSWER', got '${line}'`);
      const name = m[1]!;
      if (name !== '*' && !getSyscall(name) && !/^syscall\(\d+\)$/.test(name)) throw new AnswerSyntaxError(`line ${i + 1}: unknown syscall '${name}'`);
      if (map.has(name)) throw new AnswerSyntaxError(`line ${i + 1}: a second answer for '${name}'`);
      try {
        map.set(name, parseAnswer(m[2]!));
      } catch (e) {
        if (e instanceof AnswerSyntaxError) throw new AnswerSyntaxError(`line ${i + 1}: ${e.message}`);
        throw e;
      }
    });
    return new ScriptedAnswers(map);
  }

  /** The answer for a question, or undefined when the file has none (no line and no `*`). */
  answerFor(q: Pick<AskQuestion, 'syscall'>): AskAnswer | undefined {
    return this.bySyscall.get(q.syscall) ?? this.bySyscall.get('*');
  }
}
