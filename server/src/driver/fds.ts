/**
 * The descriptors our caller gave us beyond 0-2 (`run P -- cmd 3>file`),
 * so that the traced program gets them as it would under strace.
 *
 * Node marks every inherited descriptor up to 16 close-on-exec at start-up
 * (and its child_process passes only what `stdio` lists), so they cannot
 * simply be inherited: the helper is spawned with each of them listed at
 * its own number (driver/helperProcess.ts). What /proc/self/fd holds besides
 * them is Node's own: event loop and thread-pool descriptors (eventpoll,
 * eventfd, io_uring: anonymous inodes) and its wake-up pipes, whose read
 * and write ends are both open here. A caller passes one end of a pipe (or
 * the same end twice, `3>&1 4>&1`), so a pipe open here for reading and for
 * writing is taken as Node's; the one case this gets wrong is a caller that
 * passes both ends (an old make's jobserver pipe: make 4.4 uses a FIFO).
 * The IPC channel of a Node parent (NODE_CHANNEL_FD) is ours, not the
 * program's.
 *
 * The list is taken when this module loads (with the CLI bundle, before
 * `runCli` touches the standard streams): the first stream libuv sets up
 * opens a spare /dev/null of its own (its EMFILE reserve), which would look
 * like one of the caller's. `inheritedFds()` returns the descriptors of that
 * list that still point where they did.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const atLoad = listInherited();

/** The caller's descriptors above 2, as found when the CLI started. */
export function inheritedFds(): number[] {
  return [...atLoad].filter(([fd, target]) => linkOf(fd) === target).map(([fd]) => fd);
}

function linkOf(fd: number): string | undefined {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

function listInherited(): Map<number, string> {
  let names: string[];
  try {
    names = readdirSync('/proc/self/fd');
  } catch {
    return new Map(); // no /proc: the program gets 0-2 only, as before
  }
  const channel = Number(process.env.NODE_CHANNEL_FD ?? -1);
  const targets = new Map<number, string>();
  for (const name of names) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || fd < 3 || fd === channel) continue;
    const target = linkOf(fd);
    if (target !== undefined) targets.set(fd, target); // else closed: the listing's own descriptor
  }
  // The access modes (O_RDONLY 0, O_WRONLY 1) each pipe is open with here.
  const modes = new Map<string, Set<number>>();
  for (const [fd, target] of targets) {
    if (!target.startsWith('pipe:')) continue;
    const mode = accessMode(fd);
    if (mode === undefined) continue;
    const set = modes.get(target) ?? new Set<number>();
    set.add(mode);
    modes.set(target, set);
  }
  const out = new Map<number, string>();
  for (const [fd, target] of [...targets].sort((a, b) => a[0] - b[0])) {
    if (target.startsWith('anon_inode:')) continue;
    const m = modes.get(target);
    if (m && m.has(0) && m.has(1)) continue;
    out.set(fd, target);
  }
  return out;
}

/** O_ACCMODE of `fd` from /proc/self/fdinfo (its `flags:` line is octal). */
function accessMode(fd: number): number | undefined {
  try {
    const m = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
    return m ? parseInt(m[1]!, 8) & 3 : undefined;
  } catch {
    return undefined;
  }
}
