/**
 * Attribution: every syscall event → the decision the compiled filter makes
 * on its `seccomp_data` and the policy line (or default/badarch) behind it,
 * via compiler/attribute.ts `explain`. Decisions that depend only on the
 * arch and number are cached: a run of the program whose executed path
 * loads no argument or instruction-pointer word decides the same for every
 * argument value, so its result is exact for all of them.
 *
 * Also: the check that, in enforce mode, what the kernel did (errno seen,
 * SIGSYS, death) agrees with the attributed action.
 */
import type { Abi } from '../kernel/abi';
import { BPF_ABS, BPF_LD, BPF_W } from '../bpf/instructions';
import { runProgramOnWords } from '../bpf/interpreter';
import { abiOfEvent, actionOf, MAX_ERRNO, type SeccompActionName } from '../kernel/seccomp';
import { explain } from '../compiler/attribute';
import type { CompiledProgram } from '../compiler/compile';
import type { Origin } from '../compiler/sourcemap';
import type { SyscallEvent } from './events';

export interface Decision {
  /** The filter's full 32-bit return value. */
  readonly ret: number;
  /** The action the kernel applies (unknown actions act as kill_process). */
  readonly action: Exclude<SeccompActionName, 'unknown'>;
  /** The low 16 bits (errno, trap or trace data). */
  readonly data: number;
  readonly origin: Origin;
  /** The ABI the filter dispatched the call as (undefined: badarch). */
  readonly abi: Abi | undefined;
}

const LD_ABS_W = BPF_LD | BPF_W | BPF_ABS;

function decisionOf(ret: number, origin: Origin, abi: Abi | undefined): Decision {
  const a = actionOf(ret);
  return { ret, action: a.effective, data: a.data, origin, abi };
}

/** Parses a `0x…` register into its low and high 32-bit words. */
function words64(hex: string, out: Uint32Array, at: number): void {
  const digits = hex.length - 2;
  if (digits <= 8) {
    out[at] = parseInt(hex, 16) >>> 0;
    out[at + 1] = 0;
  } else {
    out[at] = parseInt(hex.slice(hex.length - 8), 16) >>> 0;
    out[at + 1] = parseInt(hex.slice(2, hex.length - 8), 16) >>> 0;
  }
}

export class Attributor {
  private readonly cache = new Map<number, Map<number, Decision>>();
  private readonly words = new Uint32Array(16);
  /** pcs that load an argument or the instruction pointer (offset ≥ 8). */
  private readonly argLoads: Uint8Array;
  /** Statistics: decisions served from the cache / computed. */
  hits = 0;
  misses = 0;

  constructor(readonly program: CompiledProgram) {
    this.argLoads = new Uint8Array(program.instructions.length);
    program.instructions.forEach((ins, pc) => {
      if (ins.code === LD_ABS_W && (ins.k >>> 0) >= 8) this.argLoads[pc] = 1;
    });
  }

  /** The decision for raw seccomp_data given as the protocol's strings. */
  decide(arch: number, nr: number, args: readonly string[], ip: string): Decision {
    let byNr = this.cache.get(arch);
    const cached = byNr?.get(nr);
    if (cached) {
      this.hits++;
      return cached;
    }
    this.misses++;
    const w = this.words;
    w[0] = nr >>> 0;
    w[1] = arch >>> 0;
    words64(ip, w, 2);
    for (let i = 0; i < 6; i++) words64(args[i] ?? '0x0', w, 4 + 2 * i);
    const run = runProgramOnWords(this.program.instructions, w, { recordPath: true });
    const path = run.path!;
    let dependsOnArgs = false;
    for (const pc of path) if (this.argLoads[pc]) { dependsOnArgs = true; break; }
    const e = explain(this.program, {
      nr, arch, instructionPointer: BigInt(ip), args: [0, 1, 2, 3, 4, 5].map((i) => BigInt(args[i] ?? '0x0')),
    });
    const d = decisionOf(e.ret, e.origin, e.abi);
    if (!dependsOnArgs) {
      if (!byNr) this.cache.set(arch, (byNr = new Map()));
      byNr.set(nr, d);
    }
    return d;
  }

  /** The decision for a syscall event. */
  decideEvent(e: SyscallEvent): Decision {
    return this.decide(e.abi, e.nr, e.args, e.ip);
  }
}

/** The ABI name of an event (x32 by the number's bit), if known. */
export function eventAbi(e: Pick<SyscallEvent, 'abi' | 'nr'>): Abi | undefined {
  return abiOfEvent(e.abi, e.nr >>> 0);
}

/** What the kernel is seen to have done with one syscall. */
export interface Outcome {
  /** The call never returned. */
  readonly noreturn: boolean;
  /** The return value (signed), when it returned. */
  readonly ret: bigint | undefined;
  /** The task (or its process) was killed by SIGSYS right after the call. */
  readonly killedBySigsys: boolean;
  /** A seccomp SIGSYS (si_code SYS_SECCOMP) for this call was delivered. */
  readonly seccompSigsys: boolean;
}

export const ENOSYS = 38;

/**
 * Whether an outcome is what `decision` makes the kernel do. Returns a
 * reason when it is not. Only meaningful for calls the filter saw (not the
 * start-up calls before it was installed).
 */
export function disagreement(decision: Decision, outcome: Outcome, nr: number): string | undefined {
  switch (decision.action) {
    case 'allow':
    case 'log':
      if (outcome.killedBySigsys) return 'the filter allows the call, but the task was killed by SIGSYS';
      if (outcome.seccompSigsys) return 'the filter allows the call, but a seccomp SIGSYS was delivered';
      return undefined;
    case 'errno': {
      const want = -BigInt(Math.min(decision.data, MAX_ERRNO));
      if (outcome.noreturn) return `the filter returns errno ${decision.data}, but the call never returned`;
      if (outcome.ret !== want) return `the filter returns ${want}, but the call returned ${outcome.ret}`;
      return undefined;
    }
    case 'trace':
    case 'user_notif':
      // With no tracer asking for seccomp stops / no listener, the kernel fails the call with ENOSYS.
      if (outcome.noreturn) return `the filter fails the call with ENOSYS (${decision.action} without a listener), but it never returned`;
      if (outcome.ret !== -BigInt(ENOSYS)) return `the filter fails the call with ENOSYS (${decision.action} without a listener), but it returned ${outcome.ret}`;
      return undefined;
    case 'trap':
      if (!outcome.seccompSigsys && !outcome.killedBySigsys) return 'the filter traps the call, but no seccomp SIGSYS was seen';
      if (!outcome.noreturn && outcome.ret !== BigInt(nr)) return `a trapped call leaves the syscall number (${nr}) as its return value, but it returned ${outcome.ret}`;
      return undefined;
    case 'kill_thread':
    case 'kill_process':
      if (!outcome.noreturn) return `the filter kills on this call (${decision.action}), but it returned ${outcome.ret}`;
      if (!outcome.killedBySigsys) return `the filter kills on this call (${decision.action}), but the task was not killed by SIGSYS`;
      return undefined;
  }
}
