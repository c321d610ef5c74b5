/**
 * Learning a policy from one run: trace the program, collect what it did,
 * write the smallest policy for it, and check that policy as `check` would
 * (a learned policy with errors is our bug, never the user's). Shared by
 * `seccomp-policy learn` and the editor's `seccomp/learn`.
 *
 * A tight policy answers `clone3` with ENOSYS (its flags are out of
 * seccomp's sight, so the policy checks `clone`'s instead), and the run it
 * is learned from does the same under a filter that allows everything else:
 * so the run shows libc's fallback to `clone`, with the flags the policy
 * must allow. A loose one is learned from a run with no filter at all.
 */
import { ABIS, type Abi } from '../kernel/abi';
import { compilePolicy } from '../compiler/compile';
import { diagnoseModel } from '../compiler/diagnose';
import { toRaw } from '../compiler/output';
import { buildPolicyModel } from '../policy/semantics/build';
import type { DoneEvent, ErrorEvent } from '../trace/events';
import { LearnCollector, learnPolicy, type InstallMode, type LearnedPolicy } from '../trace/learn';
import { TraceRun, type TraceOptions, type TraceOutcome } from './trace';

export interface LearnRunOptions {
  readonly abis?: readonly Abi[] | undefined;
  readonly conditions?: boolean;
  /** `tight` (default) or `loose` (learnPolicy's `style`). */
  readonly style?: 'tight' | 'loose';
  /** How the learned policy's filter will be installed (default before-exec). */
  readonly install?: InstallMode;
  /** Written in the header (omit for reproducible output). */
  readonly date?: string;
  /** The name the policy is checked under (messages only). */
  readonly path?: string;
}

export interface LearnRunResult {
  readonly outcome: TraceOutcome;
  readonly error: ErrorEvent | undefined;
  readonly done: DoneEvent | undefined;
  readonly collector: LearnCollector;
  readonly learned: LearnedPolicy;
  /** Errors of the learned policy (empty unless something is wrong with learn itself). */
  readonly errors: readonly string[];
}

/** The filter a tight policy is learned under: everything allowed, `clone3` answered as the policy will. */
export const LEARNING_FILTER = `arch ${ABIS.map((a) => a.name).join(', ')}
default allow
badarch allow
errno(ENOSYS) clone3
`;

let learningFilter: Uint8Array | undefined;
function learningProgram(): Uint8Array {
  if (learningFilter) return learningFilter;
  const model = buildPolicyModel({ path: 'learning.seccomp', text: LEARNING_FILTER }, { readFile: () => ({ error: 'includes are not used' }) });
  const compiled = compilePolicy(model);
  if (!compiled.ok) throw new Error('the learning filter does not compile');
  return (learningFilter = toRaw(compiled.program));
}

/**
 * Runs `trace` (strings are not needed) and learns from it: tight, under
 * LEARNING_FILTER; loose or without conditions, permissive and unfiltered.
 */
export async function learnFromRun(trace: Omit<TraceOptions, 'mode'>, options: LearnRunOptions = {}, started?: (run: TraceRun) => void): Promise<LearnRunResult> {
  const collector = new LearnCollector();
  let error: ErrorEvent | undefined;
  let done: DoneEvent | undefined;
  const tight = (options.style ?? 'tight') === 'tight' && options.conditions !== false;
  const how = tight
    ? { mode: 'enforce' as const, filter: learningProgram(), install: 'before-exec' as const }
    : { mode: 'permissive' as const };
  const run = new TraceRun({ strings: 0, buffers: 0, ...trace, ...how }, {
    onEvent: (e) => {
      collector.handle(e);
      if (e.type === 'error') error = e;
      if (e.type === 'done') done = e;
    },
  });
  started?.(run);
  const outcome = await run.finished;
  const learned = learnPolicy(collector, {
    ...(options.abis ? { abis: options.abis } : {}),
    ...(options.conditions !== undefined ? { conditions: options.conditions } : {}),
    ...(options.style !== undefined ? { style: options.style } : {}),
    ...(options.install !== undefined ? { install: options.install } : {}),
    ...(options.date !== undefined ? { date: options.date } : {}),
  });
  const model = buildPolicyModel({ path: options.path ?? 'learned.seccomp', text: learned.text }, { readFile: () => ({ error: 'includes are not used' }) });
  const errors = diagnoseModel(model).filter((d) => d.severity === 'error').map((d) => d.message);
  return { outcome, error, done, collector, learned, errors };
}
