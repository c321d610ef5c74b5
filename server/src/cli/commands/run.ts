/**
 * `seccomp-policy run POLICY [options] -- CMD [ARGS...]`: runs a program
 * under the compiled policy with the native helper and prints every
 * syscall strace-style with the decision and the policy line behind it,
 * then the denied syscalls; exits with the program's status.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { compilePolicy } from '../../compiler/compile';
import { toRaw } from '../../compiler/output';
import { encodeProgram } from '../../bpf/instructions';
import { abiInfo } from '../../kernel/abi';
import { EventParser, ProtocolError, type TraceEvent } from '../../trace/events';
import { actionsArgument, FastPathError, rewriteForDecisions } from '../../trace/fastpath';
import { TraceSession, toJsonLine } from '../../trace/session';
import { findHelper, helperCandidates, startHelper, type HelperOptions } from '../../trace/node/helper';
import { parseArgs, UsageError } from '../args';
import { describeFsError } from '../host';
import { loadValidPolicy } from '../load';
import type { Io } from '../main';

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
                           threads at once (exit 125)
  --no-pin                 do not pin the program to one CPU (tracing is slower)
  -s, --string-limit N     bytes of strings and buffers shown (default 32)

The trace goes to standard error; the program's own output is left alone.
Exit status: the program's; 1 the policy has errors; 2 bad usage; 69 tracing is
not possible here (no helper, not Linux, no seccomp); 67 the kernel rejected the
filter; 77 ptrace not permitted; 124 timeout; 125 process limit; 126 cannot
execute CMD; 127 CMD not found; 70 internal error.`;

/** Exit codes of our own (see RUN_USAGE and docs/trace.md). */
export const EXIT = { policy: 1, usage: 2, unsupported: 69, internal: 70 } as const;

/**
 * Our exit code for a helper failure: its distinct codes pass through,
 * except the ones that mean we called it wrongly (64 usage, 65 bad filter,
 * 66 cannot read the filter or events), which are our internal errors.
 */
export function mapHelperExit(code: number): number {
  return code === 64 || code === 65 || code === 66 ? EXIT.internal : code;
}

export function parsePositive(name: string, text: string, integer: boolean): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new UsageError(`--${name} needs a positive ${integer ? 'integer' : 'number'}, not '${text}'`);
  }
  return v;
}

/** A sink for trace lines: standard error through `io`, or a file. Writes in batches. */
export class LineSink {
  private batch: string[] = [];
  private size = 0;
  private fd: number | undefined;

  constructor(private readonly io: Io, readonly path: string | undefined) {
    if (path !== undefined) this.fd = openSync(path, 'w');
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
    if (this.fd !== undefined) writeSync(this.fd, text + '\n');
    else this.io.err(text);
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export interface TraceRunResult {
  /** The helper's exit code (null when it died of a signal). */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** A signal we received and forwarded (SIGINT, SIGTERM, SIGHUP). */
  readonly interrupted: NodeJS.Signals | undefined;
  /** The helper could not be started. */
  readonly spawnError: Error | undefined;
  /** The stream was unreadable. */
  readonly protocolError: ProtocolError | undefined;
}

/**
 * Runs the helper and feeds every event to `onEvent` as it arrives.
 * SIGINT/SIGTERM/SIGHUP are forwarded to the helper, whose death kills the
 * traced processes (PTRACE_O_EXITKILL).
 */
export async function traceWithHelper(options: HelperOptions, onEvent: (e: TraceEvent) => void, onChunkDone: () => void): Promise<TraceRunResult> {
  const h = startHelper(options);
  let interrupted: NodeJS.Signals | undefined;
  let protocolError: ProtocolError | undefined;
  const parser = new EventParser(onEvent);
  h.events.on('data', (chunk: Buffer) => {
    if (protocolError) return;
    try {
      parser.push(chunk);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      protocolError = e;
      h.child.kill('SIGKILL');
    }
    onChunkDone();
  });
  const forward = (sig: NodeJS.Signals) => {
    interrupted ??= sig;
    h.child.kill(sig === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const handlers = signals.map((s) => [s, () => forward(s)] as const);
  for (const [s, f] of handlers) process.on(s, f);
  try {
    const r = await Promise.race([h.closed, h.spawnError.then((e) => ({ error: e }))]);
    if ('error' in r) return { code: null, signal: null, interrupted, spawnError: r.error, protocolError };
    if (!protocolError) {
      try {
        parser.end();
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        protocolError = e;
      }
    }
    onChunkDone();
    return { code: r.code, signal: r.signal, interrupted, spawnError: undefined, protocolError };
  } finally {
    for (const [s, f] of handlers) process.off(s, f);
  }
}

/** Finds the helper or says how to build it; undefined + message when tracing cannot work here. */
export function locateHelper(io: Io, command: string): string | undefined {
  if (process.platform !== 'linux') {
    io.err(`seccomp-policy ${command}: tracing needs Linux (this is ${process.platform})`);
    return undefined;
  }
  const helper = findHelper();
  if (!helper) {
    const where = helperCandidates()[0] ?? 'native/build/seccomp-run';
    io.err(`seccomp-policy ${command}: the trace helper is not built (looked for ${where}): run \`make -C native\``);
    return undefined;
  }
  return helper;
}

/** The one line for a helper or spawn failure, and our exit code; undefined when the run itself went fine. */
export function helperFailure(r: TraceRunResult, session: { error?: { code: number; message: string } | undefined; done?: { status: number; reason: string } | undefined }, command: string, helper: string): { message: string | undefined; code: number } | undefined {
  if (r.spawnError) {
    const code = (r.spawnError as NodeJS.ErrnoException).code;
    return { message: `seccomp-policy ${command}: cannot start the trace helper ${helper}: ${code === 'EACCES' ? 'permission denied (is it executable?)' : r.spawnError.message}`, code: EXIT.unsupported };
  }
  if (r.protocolError) return { message: `seccomp-policy ${command}: ${r.protocolError.message}`, code: EXIT.internal };
  if (session.error) {
    // The helper printed its own one line (`seccomp-run: …`) on standard error already.
    return { message: undefined, code: mapHelperExit(session.error.code) };
  }
  if (r.interrupted) return { message: `seccomp-policy ${command}: interrupted (${r.interrupted}); the traced program was killed`, code: 128 + (r.interrupted === 'SIGINT' ? 2 : r.interrupted === 'SIGHUP' ? 1 : 15) };
  if (!session.done) {
    const how = r.signal ? `was killed by ${r.signal}` : `exited with ${r.code} without finishing its report`;
    return { message: `seccomp-policy ${command}: the trace helper ${how}`, code: EXIT.internal };
  }
  return undefined;
}

export async function runRun(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, {
    permissive: {}, json: {}, output: { value: true, short: 'o' }, timeout: { value: true }, 'only-decisions': {},
    install: { value: true }, 'max-procs': { value: true }, 'no-pin': {}, 'string-limit': { value: true, short: 's' },
    help: { short: 'h' },
  });
  if (args.options.has('help')) { io.out(RUN_USAGE); return 0; }
  if (args.positional.length !== 1) throw new UsageError(args.positional.length === 0 ? 'expected a policy file' : `expected one policy file before \`--\` (got ${args.positional.length} arguments; put the command after \`--\`)`);
  if (!args.rest || args.rest.length === 0) throw new UsageError('expected a command after `--` (seccomp-policy run POLICY -- CMD [ARGS...])');
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
  const model = loadValidPolicy(path, io, 'run');
  if (!model) return EXIT.policy;
  const compiled = compilePolicy(model);
  if (!compiled.ok) {
    io.err(`seccomp-policy run: ${path}: the filter needs ${compiled.length} instructions; the kernel takes at most 4096`);
    return EXIT.policy;
  }
  const program = compiled.program;
  const helper = locateHelper(io, 'run');
  if (!helper) return EXIT.unsupported;
  const hostAbi = process.arch === 'arm64' ? 'aarch64' : 'x86_64';
  if (!program.abis.some((a) => abiInfo(a).auditArch === abiInfo(hostAbi).auditArch)) {
    io.err(`seccomp-policy run: warning: ${path} does not accept this machine's ABI (${hostAbi}; its arch is ${program.abis.join(', ')}): every syscall gets the badarch action`);
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
  let result: TraceRunResult;
  try {
    result = await traceWithHelper({
      helper, command: args.rest, mode: permissive ? 'permissive' : 'enforce', filter, install, onlyDecisions: fast,
      actions: fast && !permissive ? actionsArgument(actions!) : undefined, timeout, maxProcs, noPin: args.options.has('no-pin'),
    }, (e) => {
      const line = session.handle(e);
      if (line !== undefined) sink.push(line);
    }, () => sink.flush());
  } finally {
    sink.flush();
  }

  // The summary goes with the trace; with -o, on standard error as well.
  const started = session.hello !== undefined && !session.error;
  if (json && started) {
    sink.push(toJsonLine({
      type: 'summary', mode: session.mode, syscalls: session.syscalls,
      denied: session.deniedList().map((d) => ({ syscall: d.name, abi: d.abi ?? null, count: d.count, action: d.action, where: d.where, rule: d.rule ?? null, origin: d.origin })),
      disagreements: session.disagreements.map((d) => ({ pid: d.pid, syscall: d.name, action: d.action, where: d.where, reason: d.reason })),
    }));
  }
  const summary = started ? session.summary() : undefined;
  const note = session.execveNote();
  const extra: string[] = [];
  if (summary && !json) extra.push(summary);
  if (note) extra.push(note);
  if (session.disagreements.length) {
    const d = session.disagreements[0]!;
    extra.push(`warning: on ${session.disagreements.length} call${session.disagreements.length === 1 ? '' : 's'} the kernel did not do what the attribution says; first: ${d.name} (pid ${d.pid}, ${d.action} by ${d.where}): ${d.reason}`);
  }
  for (const l of extra) sink.push(l);
  sink.close();
  if (sink.path !== undefined && !json) for (const l of extra) io.err(l);

  const failure = helperFailure(result, session, 'run', helper);
  if (failure) {
    if (failure.message) io.err(failure.message);
    return failure.code;
  }
  const done = session.done!;
  if (done.reason === 'timeout' || done.reason === 'max-procs') return done.status;
  return done.program >= 0 ? done.program : done.status;
}

