/**
 * Shared set-up for the trace tests: the helper (make -C native), the CLI
 * bundle (node scripts/build.mjs), the C fixture (built with gcc), policies
 * in a scratch directory, and running `node bin/seccomp-policy` as a user would.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, '..', '..');
export const CLI = join(ROOT, 'bin', 'seccomp-policy');
export const HELPER = join(ROOT, 'native', 'build', 'seccomp-run');

export const skipReason: string | false = process.platform !== 'linux' || process.arch !== 'x64'
  ? 'needs x86_64 Linux'
  : spawnSync('sh', ['-c', 'command -v gcc && command -v make'], { stdio: 'ignore' }).status !== 0 ? 'needs gcc and make' : false;

let prepared = false;
/** Builds the helper and the CLI bundle once per process. */
export function prepare(): void {
  if (prepared) return;
  const m = spawnSync('make', ['-s', '-C', join(ROOT, 'native')], { encoding: 'utf8' });
  if (m.status !== 0 || !existsSync(HELPER)) throw new Error(`make -C native failed:\n${m.stderr}`);
  const b = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`node scripts/build.mjs failed:\n${b.stderr}`);
  prepared = true;
}

let dir: string | undefined;
export function work(): string {
  if (!dir) dir = mkdtempSync(join(tmpdir(), 'seccomp-trace-test-'));
  return dir;
}

let fixture: string | undefined;
/** test/trace/fixtures/tfx.c, built once. */
export function tfx(): string {
  if (fixture) return fixture;
  const out = join(work(), 'tfx');
  const r = spawnSync('gcc', ['-O1', '-Wall', '-Wextra', '-Werror', '-pthread', '-o', out, join(HERE, 'fixtures', 'tfx.c')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building tfx.c failed:\n${r.stderr}`);
  fixture = out;
  return out;
}

let counter = 0;
export function policyFile(text: string, name?: string): string {
  const p = join(work(), name ?? `p${++counter}.seccomp`);
  writeFileSync(p, text);
  return p;
}

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The trace written with -o (when `trace` was asked for). */
  trace: string;
}

/** `node bin/seccomp-policy ARGS`, with the trace to a file when `traceTo` is set (inserted before `--`). */
export function cli(args: string[], opts: { trace?: boolean; timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  let traceFile: string | undefined;
  let full = args;
  if (opts.trace) {
    traceFile = join(work(), `trace${++counter}.txt`);
    const at = args.indexOf('--');
    full = [...args.slice(0, at), '-o', traceFile, ...args.slice(at)];
  }
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [CLI, ...full], {
    encoding: 'utf8', timeout: opts.timeoutMs ?? 60000, cwd: opts.cwd ?? work(), env: opts.env ?? process.env, maxBuffer: 256 * 1024 * 1024,
  });
  return {
    status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '',
    trace: traceFile && existsSync(traceFile) ? readFileSync(traceFile, 'latin1') : '',
  };
}

export function cliAsync(args: string[]) {
  return spawn(process.execPath, [CLI, ...args], { cwd: work(), stdio: ['ignore', 'pipe', 'pipe'] });
}

export type Json = Record<string, any>;
export function jsonLines(text: string): Json[] {
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Json);
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export { alive } from '../helpers/processes';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
