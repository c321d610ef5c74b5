/**
 * Reading policy files: the one place that reads them from disk, for the
 * CLI and the language server. Refuses what cannot be a policy
 * (directories, devices, FIFOs, huge or binary files) with a short reason
 * instead of hanging or throwing. Inside the language server the editor's
 * open buffers win over the disk (`bufferedHost`), so what is checked,
 * compiled and run is what the user sees, saved or not.
 */
import { closeSync, constants, existsSync, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { PolicyHost } from '../policy/semantics/model';
import type { DirectoryEntry } from '../service/context';

/** Larger files are refused: a policy is text written by people. */
export const MAX_POLICY_BYTES = 16 * 1024 * 1024;

/**
 * Reads a policy file, or says in a few words why not. A regular file is
 * read to its end, whatever size it claims (`/proc` files claim 0), and
 * refused past `MAX_POLICY_BYTES`; anything else (a directory, a FIFO, a
 * device, a socket) is refused without being read, since reading it could
 * block or never end.
 */
export function readPolicyFile(path: string): { text: string } | { error: string } {
  // Node would refuse it with a message quoting the whole path.
  if (path.includes('\0')) return { error: 'the path contains a NUL character' };
  let fd: number | undefined;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (the fstat below refuses it).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    const kind = notRegular(st);
    if (kind) return { error: kind };
    if (st.size > MAX_POLICY_BYTES) return { error: `too large (${st.size} bytes; the limit is ${MAX_POLICY_BYTES})` };
    const text = readToEnd(fd, st.size);
    if (text === undefined) return { error: `too large (more than ${MAX_POLICY_BYTES} bytes)` };
    if (text.includes(0)) return { error: 'not a text file (it contains NUL bytes)' };
    return { text: text.toString('utf8') };
  } catch (e) {
    return { error: describeFsError(e) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Why a file that is not a regular file is refused; undefined for a regular file. */
function notRegular(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'is a directory';
  if (st.isFIFO()) return 'is a FIFO (named pipe), not a regular file';
  if (st.isCharacterDevice()) return 'is a character device, not a regular file';
  if (st.isBlockDevice()) return 'is a block device, not a regular file';
  if (st.isSocket()) return 'is a socket, not a regular file';
  return 'not a regular file';
}

/**
 * Reads `fd` until end of file, starting with a buffer of the size fstat
 * gave; undefined past `MAX_POLICY_BYTES`.
 */
function readToEnd(fd: number, sizeHint: number): Buffer | undefined {
  // One byte more than the size given, so that a file of that size ends without growing the buffer.
  let buf = Buffer.alloc(Math.min(Math.max(sizeHint + 1, 4096), MAX_POLICY_BYTES + 1));
  let off = 0;
  for (;;) {
    if (off === buf.length) {
      if (buf.length > MAX_POLICY_BYTES) return undefined;
      const bigger = Buffer.alloc(Math.min(buf.length * 2, MAX_POLICY_BYTES + 1));
      buf.copy(bigger, 0, 0, off);
      buf = bigger;
    }
    const n = readSync(fd, buf, off, buf.length - off, null);
    if (n === 0) break;
    off += n;
  }
  return off > MAX_POLICY_BYTES ? undefined : buf.subarray(0, off);
}

/** What each errno means, as a short phrase for one-line messages. */
const FS_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a component of the path is not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENXIO: 'no such device or address (a socket, or a device with nothing behind it)',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  EAGAIN: 'the file is not ready to be read',
  EWOULDBLOCK: 'the file is not ready to be read',
  EINVAL: 'the file cannot be read this way',
  ENODEV: 'no such device',
  EBUSY: 'the device or file is busy',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EEXIST: 'the file already exists',
  ETXTBSY: 'the file is busy (a running program)',
  EFBIG: 'the file is too large',
  ERR_INVALID_ARG_VALUE: 'the path is not valid (it may contain a NUL character)',
  ERR_INVALID_ARG_TYPE: 'the path is not valid',
};

/**
 * A file-system error as a short phrase ("no such file or directory"), for
 * one-line messages; never Node's own text, which repeats the path and
 * the syscall ("ENXIO: no such device or address, open '/dev/stdin'").
 */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && FS_ERRORS[code]) return FS_ERRORS[code]!;
  return code ? `the system refused it (${code})` : 'it could not be read';
}

/** Policies from disk only, with no confinement of includes (see `confinedHost`). */
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

/** The canonical path (absolute, symbolic links resolved), or undefined when it does not exist. */
export function realPathOf(path: string): string | undefined {
  if (path.includes('\0')) return undefined;
  try {
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}

/**
 * `base` with includes confined to the root policy's folder tree and the
 * folders `directories` gives for it (the workspace folders, the user's
 * list; relative ones against the current directory). Folders and include
 * targets are compared with symbolic links resolved, so a link cannot
 * lead out.
 */
export function confinedHost(base: PolicyHost, directories: (root: string) => readonly string[] = () => []): PolicyHost {
  return {
    readFile: (path) => base.readFile(path),
    realPath: realPathOf,
    includeDirectories: (root) => directories(root).map((d) => realPathOf(resolve(d)) ?? resolve(d)),
  };
}

/**
 * The working directory for a program run from a policy: `asked` when given,
 * else the policy's folder (a file on disk), else this process's. Undefined
 * with the reason when it is not an existing directory.
 */
export function runDirectory(asked: string | undefined, policyPath: string): { cwd: string } | { error: string } {
  let cwd: string;
  if (asked) cwd = asked;
  else cwd = isAbsolute(policyPath) && existsSync(dirname(policyPath)) ? dirname(policyPath) : process.cwd();
  let isDir = false;
  try {
    isDir = statSync(cwd).isDirectory();
  } catch {
    // missing or unreadable: said below
  }
  return isDir ? { cwd } : { error: `the working directory ${cwd} does not exist` };
}

/** Entries listed for include completion at the most: a huge folder must not stall the editor. */
const MAX_DIRECTORY_ENTRIES = 1000;

/** A folder's entries for include-path completion (the first 1,000), or undefined when it cannot be read. */
export function listDirectory(path: string): DirectoryEntry[] | undefined {
  try {
    return readdirSync(path, { withFileTypes: true }).slice(0, MAX_DIRECTORY_ENTRIES)
      .map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
  } catch {
    return undefined;
  }
}
