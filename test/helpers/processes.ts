/** Facts about processes that the native and trace tests check after a run. */
import { readFileSync } from 'node:fs';

/**
 * `pid` still runs: its status file exists and it is neither a zombie (Z)
 * nor dying (X). One read of /proc avoids the race between a kill(pid, 0)
 * that sees a zombie and a later read after init has reaped it.
 */
export function alive(pid: number): boolean {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return false;
  }
  const state = /^State:\s+(\S)/m.exec(status)?.[1];
  return state !== undefined && state !== 'Z' && state !== 'X';
}
