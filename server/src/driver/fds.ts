/**
 * The descriptors our caller gave us beyond 0-2 (`run P -- cmd 3>file`),
 * so that the traced program gets them as it would under strace.
 *
 * Node marks every inherited descriptor up to 16 close-on-exec at start-up
 * (and its child_process passes only what `stdio` lists), so they cannot
 * simply be inherited: the helper is spawned with each of them listed at
 * its own number (trace/node/helper.ts). What /proc/self/fd holds besides
 * them is Node's own: event loop and thread-pool descriptors (eventpoll,
 * eventfd, io_uring: anonymous inodes) and its wake-up pipes, whose two ends
 * are both open here. A caller passes one end of a pipe, so a pipe seen on
 * two descriptors is taken as Node's. The IPC channel of a Node parent
 * (NODE_CHANNEL_FD) is ours, not the program's.
 *
 * Call it before opening anything that must stay ours (the -o file).
 */
import { readdirSync, readlinkSync } from 'node:fs';

export function inheritedFds(): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc/self/fd');
  } catch {
    return []; // no /proc: the program gets 0-2 only, as before
  }
  const channel = Number(process.env.NODE_CHANNEL_FD ?? -1);
  const targets = new Map<number, string>();
  for (const name of names) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || fd < 3 || fd === channel) continue;
    try {
      targets.set(fd, readlinkSync(`/proc/self/fd/${name}`));
    } catch {
      // Closed meanwhile: the directory listing's own descriptor.
    }
  }
  const seen = new Map<string, number>();
  for (const t of targets.values()) seen.set(t, (seen.get(t) ?? 0) + 1);
  const out: number[] = [];
  for (const [fd, target] of targets) {
    if (target.startsWith('anon_inode:')) continue;
    if (target.startsWith('pipe:') && seen.get(target)! > 1) continue;
    out.push(fd);
  }
  return out.sort((a, b) => a - b);
}
