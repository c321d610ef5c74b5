/**
 * Learning a policy from one run: trace the program with no filter, collect
 * what it did, write the smallest policy for it, and check that policy as
 * `check` would (a learned policy with errors is our bug, never the user's).
 * Shared by `seccomp-policy learn` and the editor's `seccomp/learn`.
 */
import type { Abi } from '../kernel/abi';
import { diagnoseModel } from '../compiler/diagnose';
import { buildPolicyModel } from '../policy/semantics/build';
import type { DoneEvent, ErrorEvent } from '../trace/events';
import { LearnCollector, learnPolicy, type LearnedPolicy } from '../trace/learn';
import { TraceRun, type TraceOptions, type TraceOutcome } from './trace';

export interface LearnRunOptions {
  readonly abis?: readonly Abi[] | undefined;
  readonly conditions?: boolean;
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

/** Runs `trace` permissive and unfiltered (strings are not needed) and learns from it. */
export async function learnFromRun(trace: Omit<TraceOptions, 'mode'>, options: LearnRunOptions = {}, started?: (run: TraceRun) => void): Promise<LearnRunResult> {
  const collector = new LearnCollector();
  let error: ErrorEvent | undefined;
  let done: DoneEvent | undefined;
  const run = new TraceRun({ strings: 0, buffers: 0, ...trace, mode: 'permissive' }, {
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
    ...(options.date !== undefined ? { date: options.date } : {}),
  });
  const model = buildPolicyModel({ path: options.path ?? 'learned.seccomp', text: learned.text }, { readFile: () => ({ error: 'includes are not used' }) });
  const errors = diagnoseModel(model).filter((d) => d.severity === 'error').map((d) => d.message);
  return { outcome, error, done, collector, learned, errors };
}
