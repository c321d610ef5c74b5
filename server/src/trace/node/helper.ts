/**
 * Starting `native/build/seccomp-run` from Node: the only place of the
 * trace engine that spawns processes. The program keeps our stdin, stdout
 * and stderr; the events come on a dedicated pipe (fd 3 in the helper) and
 * the filter goes in on another (fd 4), so no temporary file is needed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const HELPER_NAME = 'seccomp-run';

/** Where the helper was looked for (for the error message). */
export function helperCandidates(from: string = __dirname): string[] {
  const out: string[] = [];
  const env = process.env.SECCOMP_RUN_HELPER;
  if (env) out.push(resolve(env));
  let dir = from;
  for (let i = 0; i < 5; i++) {
    out.push(join(dir, 'native', 'build', HELPER_NAME));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return out;
}

/**
 * The helper binary: $SECCOMP_RUN_HELPER, else `native/build/seccomp-run`
 * next to the bundle (dist/cli.js → ../native/build) or the sources.
 */
export function findHelper(from?: string): string | undefined {
  return helperCandidates(from).find((p) => existsSync(p));
}

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
  /** `stderr`: the program's standard output goes to our standard error (learn writes the policy on stdout). */
  readonly programStdout?: 'inherit' | 'stderr';
}

export interface HelperProcess {
  readonly child: ChildProcess;
  readonly events: Readable;
  /** Resolves when the helper has exited and its pipes are closed. */
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Rejects when the helper could not be started at all. */
  readonly spawnError: Promise<Error>;
}

export function helperArgs(o: HelperOptions): string[] {
  const args = ['--events-fd', '3', '--mode', o.mode];
  if (o.filter) args.push('--filter-fd', '4');
  if (o.install && o.filter && o.mode === 'enforce') args.push('--install', o.install);
  if (o.onlyDecisions) args.push('--only-decisions');
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

export function startHelper(o: HelperOptions): HelperProcess {
  const stdio: ('inherit' | 'pipe' | 'ignore' | number)[] = ['inherit', o.programStdout === 'stderr' ? 2 : 'inherit', 'inherit', 'pipe'];
  if (o.filter) stdio.push('pipe');
  const child = spawn(o.helper, helperArgs(o), { stdio });
  let onError: (e: Error) => void = () => {};
  const spawnError = new Promise<Error>((res) => { onError = res; });
  child.on('error', (e) => onError(e));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.on('close', (code, signal) => res({ code, signal }));
  });
  if (o.filter) {
    const w = child.stdio[4] as Writable;
    w.on('error', () => { /* the helper exits with its own message if it cannot read the filter */ });
    w.end(Buffer.from(o.filter));
  }
  return { child, events: child.stdio[3] as Readable, closed, spawnError };
}
