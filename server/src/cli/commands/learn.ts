/**
 * `seccomp-policy learn [-o OUT.seccomp] [--arch ABI,...] [--loose] [--install MODE] [--timeout S] -- CMD [ARGS...]`:
 * runs the program traced and writes the smallest policy that lets that run
 * happen: one rule per syscall seen, conditioned on the arguments seen
 * where they decide what a call does (or, `--loose`, as learn first did),
 * `default kill_process`.
 */
import type { Abi } from '../../kernel/abi';
import { outputExists, outputFolderProblem, writeOutputFile } from '../../driver/outputs';
import { locateHelper } from '../../driver/helper';
import { inheritedFds } from '../../driver/fds';
import { learnFromRun } from '../../driver/learn';
import { EXIT, traceFailure } from '../../driver/trace';
import { parseArgs, UsageError } from '../args';
import type { Io } from '../io';
import { parseAbiList } from './compile';
import { parsePositive } from './run';

export const LEARN_USAGE = `usage: seccomp-policy learn [OPTIONS] -- CMD [ARGS...]
  Runs CMD traced and writes the smallest policy that lets that run happen
  again: one rule per syscall it made (grouped, with call counts), conditions
  on the arguments seen (ioctl requests, clone flags, no writable and
  executable memory, socket families and types, open modes), default
  kill_process, arch from the ABIs it used. clone3 is answered ENOSYS, during
  the run as in the policy, so that libc falls back to clone, whose flags the
  policy checks.

options:
  -o, --output FILE        write the policy to FILE (default: standard output)
  --force                  overwrite FILE if it exists
  --arch ABI[,ABI...]      the policy's arch (default: the ABIs the run used)
  --install MODE           before-exec (default): the policy allows the program's own
                           execve; after-exec: it allows execve only if the program
                           executed another one (use it with run --install after-exec)
  --loose                  conditions only on socket domains and open access modes,
                           learned from a run with no filter (learn's first output)
  --no-conditions          no argument conditions at all
  --timeout S              kill the program after S seconds (exit 124, no policy)
  --max-procs N            kill the program beyond N processes and threads (exit 125)

Exit status: 0 when the policy was written (a warning says if the program failed);
2 bad usage; 69 tracing is not possible here; 124/125/126/127 as for run.

examples:
  seccomp-policy learn -o ls.seccomp -- ls /
  seccomp-policy learn --arch x86_64 --loose -o server.seccomp -- ./server --self-test`;

export async function runLearn(argv: readonly string[], io: Io): Promise<number> {
  // The caller's descriptors are the program's, as under `run` (taken before Node opens more).
  const passFds = inheritedFds();
  const args = parseArgs(argv, {
    output: { value: true, short: 'o' }, arch: { value: true }, timeout: { value: true }, 'max-procs': { value: true },
    install: { value: true }, 'no-conditions': {}, loose: {}, force: {}, help: { short: 'h' },
  });
  if (args.options.has('help')) { io.out(LEARN_USAGE); return 0; }
  if (args.positional.length) throw new UsageError(`unexpected argument '${args.positional[0]}' (put the command after \`--\`)`);
  if (!args.rest || args.rest.length === 0) throw new UsageError('expected a command after `--` (seccomp-policy learn -- CMD [ARGS...])');
  const abis: Abi[] | undefined = args.options.has('arch') ? parseAbiList(args.options.get('arch') as string) : undefined;
  const timeout = args.options.has('timeout') ? parsePositive('timeout', args.options.get('timeout') as string, false) : undefined;
  const maxProcs = args.options.has('max-procs') ? parsePositive('max-procs', args.options.get('max-procs') as string, true) : undefined;
  const install = args.options.get('install') as string | undefined;
  if (install !== undefined && install !== 'before-exec' && install !== 'after-exec') throw new UsageError(`--install is before-exec or after-exec, not '${install}'`);
  if (install !== undefined && (args.options.has('loose') || args.options.has('no-conditions'))) {
    throw new UsageError(`--install has no effect with --${args.options.has('loose') ? 'loose' : 'no-conditions'} (execve is always allowed there)`);
  }
  const out = args.options.get('output') as string | undefined;
  if (out !== undefined && outputExists(out) && !args.options.has('force')) {
    io.err(`seccomp-policy learn: ${out} exists; use --force to overwrite it`);
    return EXIT.usage;
  }
  // Said before the run: after it, the learned policy would be lost.
  const folderProblem = out === undefined ? undefined : outputFolderProblem(out);
  if (folderProblem) {
    io.err(`seccomp-policy learn: cannot write ${out}: ${folderProblem}`);
    return EXIT.usage;
  }
  const located = locateHelper();
  if (!located.ok) {
    io.err(`seccomp-policy learn: ${located.message}`);
    return EXIT.unsupported;
  }
  const helper = located.path;
  const r = await learnFromRun({
    helper, command: args.rest, timeout, maxProcs, programStdio: out === undefined ? 'stderr' : 'inherit', forwardSignals: true, passFds,
  }, {
    abis, conditions: !args.options.has('no-conditions'), style: args.options.has('loose') ? 'loose' : 'tight',
    ...(install !== undefined ? { install } : {}), date: new Date().toISOString().slice(0, 10), path: out ?? 'learned.seccomp' });
  const failure = traceFailure(r.outcome, r, helper);
  if (failure) {
    if (failure.message) io.err(`seccomp-policy learn: ${failure.message}`);
    return failure.code;
  }
  const done = r.done!;
  if (done.reason === 'timeout' || done.reason === 'max-procs') {
    io.err(`seccomp-policy learn: the run was cut short (${done.reason}); no policy written`);
    return done.status;
  }
  const { learned, collector } = r;
  if (r.errors.length) {
    io.err(`seccomp-policy learn: internal error: the learned policy has errors: ${r.errors.join('; ')}`);
    return EXIT.internal;
  }
  if (out !== undefined) {
    const failed = writeOutputFile(out, learned.text);
    if (failed) {
      io.err(`seccomp-policy learn: cannot write ${out}: ${failed}`);
      return EXIT.usage;
    }
  } else {
    io.out(learned.text.replace(/\n$/, ''));
  }
  const program = done.program;
  const status = program >= 128 ? `was killed by signal ${program - 128}` : `exited with ${program}`;
  io.err(`seccomp-policy learn: ${learned.rules} rules from ${collector.syscalls} syscalls (${collector.tasks.size} task${collector.tasks.size === 1 ? '' : 's'})${out !== undefined ? `; wrote ${out}` : ''}`);
  if (program !== 0) io.err(`seccomp-policy learn: warning: the program ${status}; the policy allows what this failing run did`);
  if (learned.dropped.length) io.err(`seccomp-policy learn: warning: left out (ABIs not in --arch): ${learned.dropped.join(', ')}`);
  return 0;
}
