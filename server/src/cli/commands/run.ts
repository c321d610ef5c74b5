/**
 * `seccomp-policy run POLICY [options] -- CMD [ARGS...]`: runs a program
 * under the compiled policy with the native helper and prints every
 * syscall strace-style with the decision and the policy line behind it,
 * then the denied syscalls; exits with the program's status.
 */
import { toRaw } from '../../compiler/output';
import { encodeProgram } from '../../bpf/instructions';
import { abiInfo } from '../../kernel/abi';
import { actionsArgument, FastPathError, rewriteForDecisions } from '../../trace/fastpath';
import { TraceSession, toJsonLine } from '../../trace/session';
import { describeFsError } from '../../driver/files';
import { OutputStream } from '../../driver/outputs';
import { inheritedFds } from '../../driver/fds';
import { locateHelper } from '../../driver/helper';
import { hostAbi } from '../../driver/policy';
import { EXIT, TraceRun, traceFailure } from '../../driver/trace';
import { parseArgs, UsageError } from '../args';
import type { Io } from '../io';
import { INCLUDE_DIR_OPTION, loadValidPolicy, policyHostFor } from '../load';
import { ASK_USAGE, runAskCommand } from './runAsk';

export const RUN_USAGE = `usage: seccomp-policy run POLICY [OPTIONS] -- CMD [ARGS...]
  Runs CMD under the compiled POLICY and prints every syscall strace-style, with
  the action and the policy line that decided it, then the denied syscalls.
  Exits with the program's status (128 + signal when it was killed).

options:
  --permissive             do not enforce: every syscall runs, the decisions are
                           computed, so one run lists every violation
  --only-decisions         fast path: only syscalls the policy does not simply
                           allow are stopped and shown (allowed ones run at full speed)
  --install MODE           before-exec (default): the filter is installed just before
                           the program's execve, which it must allow; after-exec: at
                           the program's first instruction (the execve is not filtered)
  --json                   one JSON object per event, with the decision attached
  -o, --output FILE        write the trace to FILE instead of standard error
  --timeout S              kill the program after S seconds (exit 124)
  --max-procs N            kill the program when it has more than N processes and
                           threads at once, counting exited children its processes
                           have not reaped (exit 125)
  --no-pin                 do not pin the program to one CPU (tracing is slower)
  -s, --string-limit N     bytes of strings and buffers shown (default 32)
  --include-dir DIR        also allow includes from DIR's tree (repeatable)

The trace goes to standard error; the program's own output is left alone.
Exit status: the program's; 1 the policy has errors; 2 bad usage; 69 tracing is
not possible here (no helper, not Linux, no seccomp); 67 the kernel rejected the
filter; 77 ptrace not permitted; 124 timeout; 125 process limit; 126 cannot
execute CMD; 127 CMD not found; 70 internal error.

examples:
  seccomp-policy run policy.seccomp -- ls /
  seccomp-policy run --permissive policy.seccomp -- python3 script.py
  seccomp-policy run --json -o trace.json policy.seccomp -- ./server --port 8080
  seccomp-policy run --only-decisions --timeout 60 policy.seccomp -- make -j2`;

export function parsePositive(name: string, text: string, integer: boolean): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new UsageError(`--${name} needs a positive ${integer ? 'integer' : 'number'}, not '${text}'`);
  }
  return v;
}

/**
 * A sink for trace lines: standard error through `io`, or a file. Writes in batches.
 * A file that fails (a full disk) is not written again; `failure` says why, for one
 * message once the run is over (the program runs on, as it would without `-o`).
 */
export class LineSink {
  private batch: string[] = [];
  private size = 0;
  private file: OutputStream | undefined;
  failure: string | undefined;

  constructor(private readonly io: Io, readonly path: string | undefined) {
    if (path !== undefined) this.file = new OutputStream(path);
  }

  push(line: string): void {
    this.batch.push(line);
    this.size += line.length;
    if (this.size > 65536) this.flush();
  }

  flush(): void {
    if (this.batch.length === 0) return;
    const text = this.batch.join('\n');
    this.batch = [];
    this.size = 0;
    if (this.file) this.writeFile(text + '\n');
    else this.io.err(text);
  }

  close(): void {
    this.flush();
    try {
      this.file?.close();
    } catch (e) {
      this.failure ??= describeFsError(e);
    }
    this.file = undefined;
  }

  /**
   * After `close`: says on standard error that the file is incomplete, if it
   * is; true then, and the command exits as when the file cannot be opened.
   */
  reportFailure(command: string): boolean {
    if (this.failure === undefined) return false;
    this.io.err(`seccomp-policy ${command}: cannot write ${this.path}: ${this.failure}; the trace in it is incomplete`);
    return true;
  }

  private writeFile(text: string): void {
    if (this.failure !== undefined) return;
    try {
      this.file?.write(text);
    } catch (e) {
      this.failure = describeFsError(e);
    }
  }
}

export async function runRun(argv: readonly string[], io: Io): Promise<number> {
  // What our caller gave us is the program's (as found when the CLI started).
  const passFds = inheritedFds();
  const args = parseArgs(argv, {
    permissive: {}, json: {}, output: { value: true, short: 'o' }, timeout: { value: true }, 'only-decisions': {},
    install: { value: true }, 'max-procs': { value: true }, 'no-pin': {}, 'string-limit': { value: true, short: 's' },
    ask: {}, 'ask-answers': { value: true }, help: { short: 'h' }, ...INCLUDE_DIR_OPTION,
  });
  if (args.options.has('help')) { io.out(`${RUN_USAGE}\n\n${ASK_USAGE}`); return 0; }
  if (args.positional.length !== 1) throw new UsageError(args.positional.length === 0 ? 'expected a policy file' : `expected one policy file before \`--\` (got ${args.positional.length} arguments; put the command after \`--\`)`);
  if (!args.rest || args.rest.length === 0) throw new UsageError('expected a command after `--` (seccomp-policy run POLICY -- CMD [ARGS...])');
  if (args.options.has('ask') || args.options.has('ask-answers')) return runAskCommand(args, io, passFds);
  const install = (args.options.get('install') as string | undefined) ?? 'before-exec';
  if (install !== 'before-exec' && install !== 'after-exec') throw new UsageError(`--install is before-exec or after-exec, not '${install}'`);
  const timeout = args.options.has('timeout') ? parsePositive('timeout', args.options.get('timeout') as string, false) : undefined;
  const maxProcs = args.options.has('max-procs') ? parsePositive('max-procs', args.options.get('max-procs') as string, true) : undefined;
  const stringLimit = args.options.has('string-limit') ? parsePositive('string-limit', args.options.get('string-limit') as string, true) : undefined;
  const permissive = args.options.has('permissive');
  const fast = args.options.has('only-decisions');
  const json = args.options.has('json');
  if (permissive && args.options.has('install')) throw new UsageError('--install has no effect with --permissive (no filter is installed)');

  const path = args.positional[0]!;
  const loaded = loadValidPolicy(path, io, 'run', {}, policyHostFor(args));
  if (!loaded) return EXIT.policy;
  const { model, program } = loaded;
  const located = locateHelper();
  if (!located.ok) {
    io.err(`seccomp-policy run: ${located.message}`);
    return EXIT.unsupported;
  }
  const helper = located.path;
  const native = hostAbi();
  if (!program.abis.some((a) => abiInfo(a).auditArch === abiInfo(native).auditArch)) {
    io.err(`seccomp-policy run: warning: ${path} does not accept this machine's ABI (${native}; its arch is ${program.abis.join(', ')}): every syscall gets the badarch action`);
  }

  let filter: Uint8Array | undefined;
  let actions: readonly number[] | undefined;
  if (fast) {
    try {
      const d = rewriteForDecisions(program);
      filter = encodeProgram(d.program.instructions);
      actions = d.actions;
    } catch (e) {
      if (e instanceof FastPathError) { io.err(`seccomp-policy run: --only-decisions: ${e.message}`); return EXIT.policy; }
      throw e;
    }
  } else if (!permissive) {
    filter = toRaw(program);
  }

  let sink: LineSink;
  try {
    sink = new LineSink(io, args.options.get('output') as string | undefined);
  } catch (e) {
    io.err(`seccomp-policy run: cannot write ${args.options.get('output') as string}: ${describeFsError(e)}`);
    return EXIT.usage;
  }
  const session = new TraceSession({ program, model, actions, output: json ? 'json' : 'text', stringLimit });
  let result;
  try {
    result = await new TraceRun({
      helper, command: args.rest, mode: permissive ? 'permissive' : 'enforce', filter, install, onlyDecisions: fast,
      actions: fast && !permissive ? actionsArgument(actions!) : undefined, timeout, maxProcs, noPin: args.options.has('no-pin'),
      forwardSignals: true, passFds,
    }, {
      onEvent: (e) => {
        const line = session.handle(e);
        if (line !== undefined) sink.push(line);
      },
      onChunk: () => sink.flush(),
    }).finished;
  } finally {
    sink.flush();
  }

  // The summary goes with the trace (standard error, or the -o file instead), and only for a
  // run that ended with the helper's report: a helper that was killed, or a stream cut short,
  // has no "no syscall was denied" to tell. A program that could not be executed did start
  // its run (its execve may be what the policy denied), so it gets one.
  const failure = traceFailure(result, session, helper);
  const reported = session.hello !== undefined && session.done !== undefined && !result.protocolError;
  const started = reported && (!session.error || isExecFailure(session.error.code));
  const extra: string[] = [];
  if (started) {
    if (json) {
      sink.push(toJsonLine({
        type: 'summary', mode: session.mode, syscalls: session.syscalls,
        denied: session.deniedList().map((d) => ({ syscall: d.name, abi: d.abi ?? null, count: d.count, action: d.action, where: d.where, rule: d.rule ?? null, origin: d.origin })),
        disagreements: session.disagreements.map((d) => ({ pid: d.pid, syscall: d.name, action: d.action, where: d.where, reason: d.reason })),
      }));
    } else {
      const summary = session.summary();
      if (summary) extra.push(summary);
    }
    const note = session.execveNote();
    if (note) extra.push(note);
    if (session.disagreements.length) {
      const d = session.disagreements[0]!;
      extra.push(`warning: on ${session.disagreements.length} call${session.disagreements.length === 1 ? '' : 's'} the kernel did not do what the attribution says; first: ${d.name} (pid ${d.pid}, ${d.action} by ${d.where}): ${d.reason}`);
    }
  }
  for (const l of extra) sink.push(l);
  sink.close();
  const unwritten = sink.reportFailure('run');

  if (failure) {
    // Without a message the helper printed its own line (`seccomp-run: …`) on standard error already.
    if (failure.message) io.err(`seccomp-policy run: ${failure.message}`);
    return failure.code;
  }
  if (unwritten) return EXIT.usage;
  const done = session.done!;
  if (done.reason === 'timeout' || done.reason === 'max-procs') return done.status;
  return done.program >= 0 ? done.program : done.status;
}

/** The helper's codes for a command it could not execute (126) or find (127). */
function isExecFailure(code: number): boolean {
  return code === 126 || code === 127;
}
