/**
 * The CLI's file access: the only place that reads policy files from disk.
 * Refuses what cannot be a policy (directories, devices, huge or binary
 * files) with a short reason instead of hanging or throwing.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { PolicyHost } from '../policy/semantics/model';

/** Larger files are refused: a policy is text written by people. */
export const MAX_POLICY_BYTES = 16 * 1024 * 1024;

export function readPolicyFile(path: string): { text: string } | { error: string } {
  let fd: number | undefined;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (the fstat below refuses it).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (st.isDirectory()) return { error: 'is a directory' };
    if (!st.isFile()) return { error: 'not a regular file' };
    if (st.size > MAX_POLICY_BYTES) return { error: `too large (${st.size} bytes; the limit is ${MAX_POLICY_BYTES})` };
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    if (buf.subarray(0, off).includes(0)) return { error: 'not a text file (it contains NUL bytes)' };
    return { text: buf.subarray(0, off).toString('utf8') };
  } catch (e) {
    return { error: describeFsError(e) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    case 'ENOTDIR': return 'a component of the path is not a directory';
    case 'ELOOP': return 'too many levels of symbolic links';
    default: return (e as Error)?.message ?? String(e);
  }
}

export const fsHost: PolicyHost = { readFile: readPolicyFile };
