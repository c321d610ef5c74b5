/**
 * Starting the trace helper (`native/build/seccomp-run`) from Node: the
 * only place of the project that spawns processes. The events come on a
 * dedicated pipe (fd 3 in the helper, or just above the descriptors passed
 * on to the program) and the filter goes in on the next, so no temporary
 * file is needed. Finding the helper is the driver's job (driver/helper.ts).
 *
 * The program's standard streams: the CLI lets it keep ours (`inherit`);
 * the language server must never do that, since in `--stdio` mode our
 * standard output is the LSP channel, so there the program reads
 * /dev/null and its output is piped back to us (`capture`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export const HELPER_NAME = 'seccomp-run';

export interface HelperOptions {
  readonly helper: string;
  readonly command: readonly string[];
  readonly mode: 'enforce' | 'permissive';
  /** Raw `struct sock_filter` bytes; omitted in permissive mode without the fast path. */
  readonly filter?: Uint8Array;
  readonly install?: 'before-exec' | 'after-exec';
  readonly onlyDecisions?: boolean;
  /** `--actions` (enforce fast path). */
  readonly actions?: string;
  readonly timeout?: number;
  readonly maxProcs?: number;
  readonly noPin?: boolean;
  readonly strings?: number;
  readonly buffers?: number;
  /**
   * The program's standard streams: `inherit` ours; `stderr`: its standard
   * output goes to our standard error (learn writes the policy on stdout);
   * `capture`: stdin is /dev/null, stdout and stderr are piped to us.
   */
  readonly programStdio?: 'inherit' | 'stderr' | 'capture';
  /** The program's working directory (default ours). */
  readonly cwd?: string;
  /** The program's whole environment (default ours). */
  readonly env?: NodeJS.ProcessEnv;
  /** Ask mode (`--ask`, needs `filter`): answers go to the helper on a pipe (`HelperProcess.answers`). */
  readonly ask?: boolean;
  /**
   * Descriptors above 2 the program inherits at the same numbers (the CLI's
   * caller's, driver/fds.ts). The helper's own pipes go above them.
   */
  readonly passFds?: readonly number[];
}

export interface HelperProcess {
  readonly child: ChildProcess;
  readonly events: Readable;
  /** With `programStdio: 'capture'`: the program's (and the helper's own) output. */
  readonly stdout: Readable | undefined;
  readonly stderr: Readable | undefined;
  /** With `ask`: where the answer lines go (docs/trace-protocol.md, "Ask mode"). */
  readonly answers: Writable | undefined;
  /** Resolves when the helper has exited and its pipes are closed. */
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when the helper could not be started at all. */
  readonly spawnError: Promise<Error>;
}

/** Where the helper's own pipes sit in its descriptor table: just above the passed ones. */
export function helperFds(o: HelperOptions): { events: number; filter: number | undefined; answers: number | undefined } {
  let next = Math.max(2, ...(o.passFds ?? [])) + 1;
  const events = next++;
  const filter = o.filter ? next++ : undefined;
  const answers = o.ask ? next++ : undefined;
  return { events, filter, answers };
}

export function helperArgs(o: HelperOptions): string[] {
  const fds = helperFds(o);
  // Compact records for syscall events: the reader splits them without a JSON parse (events.ts).
  const args = ['--events-fd', String(fds.events), '--events-format', 'compact', '--mode', o.mode];
  if (fds.filter !== undefined) args.push('--filter-fd', String(fds.filter));
  if (o.install && o.filter && o.mode === 'enforce') args.push('--install', o.install);
  if (o.onlyDecisions) args.push('--only-decisions');
  if (fds.answers !== undefined) args.push('--ask', '--answers-fd', String(fds.answers));
  if (o.actions !== undefined) args.push('--actions', o.actions);
  if (o.timeout !== undefined) args.push('--timeout', String(o.timeout));
  if (o.maxProcs !== undefined) args.push('--max-procs', String(o.maxProcs));
  if (o.noPin) args.push('--no-pin');
  // If this process is killed outright (SIGKILL), the helper and the program go with it.
  args.push('--die-with-parent');
  if (o.strings !== undefined) args.push('--strings', String(o.strings));
  if (o.buffers !== undefined) args.push('--buffers', String(o.buffers));
  args.push('--', ...o.command);
  return args;
}

function programStdio(o: HelperOptions): ('inherit' | 'pipe' | 'ignore' | number)[] {
  switch (o.programStdio ?? 'inherit') {
    case 'capture': return ['ignore', 'pipe', 'pipe'];
    case 'stderr': return ['inherit', 2, 'inherit'];
    default: return ['inherit', 'inherit', 'inherit'];
  }
}

export function startHelper(o: HelperOptions): HelperProcess {
  const fds = helperFds(o);
  const stdio = programStdio(o);
  // Each passed descriptor at its own number; a gap is left alone ('ignore'), so ours, all
  // close-on-exec, do not reach the program.
  const pass = new Set(o.passFds);
  for (let fd = 3; fd < fds.events; fd++) stdio.push(pass.has(fd) ? fd : 'ignore');
  stdio.push('pipe');
  if (fds.filter !== undefined) stdio.push('pipe');
  if (fds.answers !== undefined) stdio.push('pipe');
  const child = spawn(o.helper, helperArgs(o), { stdio, ...(o.cwd !== undefined ? { cwd: o.cwd } : {}), ...(o.env ? { env: o.env } : {}) });
  let onError: (e: Error) => void = () => {};
  const spawnError = new Promise<Error>((res) => { onError = res; });
  child.on('error', (e) => onError(e));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.on('close', (code, signal) => res({ code, signal }));
  });
  if (o.filter) {
    const w = (child.stdio as readonly unknown[])[fds.filter!] as Writable;
    w.on('error', () => { /* the helper exits with its own message if it cannot read the filter */ });
    w.end(Buffer.from(o.filter));
  }
  const answers = fds.answers !== undefined ? (child.stdio as readonly unknown[])[fds.answers] as Writable : undefined;
  answers?.on('error', () => { /* the helper is gone; its exit says why */ });
  const captured = o.programStdio === 'capture';
  return {
    child, events: (child.stdio as readonly unknown[])[fds.events] as Readable, closed, spawnError, answers,
    stdout: captured ? child.stdout ?? undefined : undefined,
    stderr: captured ? child.stderr ?? undefined : undefined,
  };
}
