/**
 * Reading policy files: the one place that reads them from disk, for the
 * CLI and the language server. Refuses what cannot be a policy
 * (directories, devices, FIFOs, huge or binary files) with a short reason
 * instead of hanging or throwing. Inside the language server the editor's
 * open buffers win over the disk (`bufferedHost`), so what is checked,
 * compiled and run is what the user sees, saved or not.
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

/** A file-system error as a short phrase ("no such file or directory"), for one-line messages. */
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

/** Policies from disk only (the CLI). */
export const fsHost: PolicyHost = { readFile: readPolicyFile };

/**
 * Policies from the editor's open buffers first, then from disk: `openText`
 * returns the buffer's text for a path, or undefined when it is not open.
 */
export function bufferedHost(openText: (path: string) => string | undefined): PolicyHost {
  return {
    readFile(path) {
      const text = openText(path);
      return text !== undefined ? { text } : readPolicyFile(path);
    },
  };
}
