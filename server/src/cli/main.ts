/**
 * `seccomp-policy`: the command line over the language core. Argument
 * parsing and printing only; every decision is the core's.
 */
import { UsageError } from './args';
import { runCheck } from './commands/check';
import { runCompile } from './commands/compile';
import { runFmt } from './commands/fmt';
import { runSimulate } from './commands/simulate';
import { runRun } from './commands/run';
import { runLearn } from './commands/learn';
import { runImport } from './commands/import';
import { runDiff } from './commands/diff';
import { describeFsError } from '../driver/files';
import type { Io } from './io';

const USAGE = `usage: seccomp-policy COMMAND [OPTIONS] ...

commands:
  check FILE...            report problems in policies (gcc-style or --json)
  compile FILE             compile to seccomp-BPF (raw, C header, listing, JSON)
  fmt FILE...              format policies (print, --check or --write)
  simulate FILE            show which action and rule a syscall gets
  run FILE -- CMD...       run a program under the policy and trace every syscall
  learn -- CMD...          write the policy one run of a program needs
  import PROFILE.json      turn a Docker/OCI seccomp profile into a policy
  diff OLD NEW             which syscalls change decision, per ABI (exit 1 if any)

Run 'seccomp-policy COMMAND --help' for a command's options.`;

const COMMANDS: Record<string, (argv: readonly string[], io: Io) => number | Promise<number>> = {
  check: runCheck,
  compile: runCompile,
  fmt: runFmt,
  simulate: runSimulate,
  run: runRun,
  learn: runLearn,
  import: runImport,
  diff: runDiff,
};

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (!command) {
    // No command is a usage error: the usage goes where errors go, not into a pipe reading the output.
    io.err(USAGE);
    return 2;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (command === '--version') { io.out('seccomp-policy 0.1.0'); return 0; }
  const run = COMMANDS[command];
  if (!run) { io.err(`seccomp-policy: unknown command '${command}'\n${USAGE}`); return 2; }
  try {
    return await run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) { io.err(`seccomp-policy ${command}: ${e.message}`); return 2; }
    io.err(`seccomp-policy ${command}: internal error: ${(e as Error)?.message ?? e}`);
    return 70;
  }
}

/** The process entry (bin/seccomp-policy): real stdio, exit status via process.exitCode. */
export function runCli(): void {
  const command = process.argv[2];
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      // A reader that went away (`| head`) is not an error: stop quietly, as Unix tools do.
      // Node's pipes to a child process are sockets: their reader going away is ECONNRESET as often as EPIPE.
      if (e.code === 'EPIPE' || e.code === 'ECONNRESET') process.exit(process.exitCode ?? 0);
      // Any other failure (a full disk, an I/O error) means the output is incomplete: say so in one line.
      if (stream === process.stdout) {
        process.stderr.write(`seccomp-policy${command ? ` ${command}` : ''}: cannot write to standard output: ${describeFsError(e)}\n`);
      }
      process.exit(outputFailureStatus(command));
    });
  }
  const io: Io = {
    out: (t) => process.stdout.write(t + '\n'),
    err: (t) => process.stderr.write(t + '\n'),
    writeBytes: (b) => process.stdout.write(b),
    isTty: process.stdout.isTTY === true,
  };
  main(process.argv.slice(2), io).then((code) => { process.exitCode = code; });
}

/** The status for output that could not be written: `diff` keeps 1 for "changed", so its trouble is 2. */
function outputFailureStatus(command: string | undefined): number {
  return command === 'diff' ? 2 : 1;
}
