/**
 * Writing what the CLI produces: compiled filters, imported and learned
 * policies, formatted files, trace logs, and reading the trace files a
 * profile comes from. The one place besides `files.ts` that touches the
 * disk, so the CLI's commands stay a thin layer of arguments and
 * messages. Every function answers with a short reason instead of
 * throwing (`describeFsError`), for one-line messages.
 */
import { accessSync, chmodSync, closeSync, constants, existsSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { describeFsError } from './files';

/** Writes (creates or truncates) a whole file; undefined when done, else why not. */
export function writeOutputFile(path: string, data: string | Uint8Array): string | undefined {
  try {
    writeFileSync(path, data);
    return undefined;
  } catch (e) {
    return describeFsError(e);
  }
}

/** Whether something exists at `path` (to refuse overwriting it without `--force`). */
export function outputExists(path: string): boolean {
  return existsSync(path);
}

/**
 * Why a file could not be created at `path` because of its folder (missing,
 * not a folder, not writable), checked before work whose result would
 * otherwise be lost; undefined when the folder looks fine. The write itself
 * may still fail (a full disk), and says so then.
 */
export function outputFolderProblem(path: string): string | undefined {
  const folder = dirname(resolve(path));
  try {
    if (!statSync(folder).isDirectory()) return describeFsError({ code: 'ENOTDIR' });
    accessSync(folder, constants.W_OK);
    return undefined;
  } catch (e) {
    return describeFsError(e);
  }
}

/**
 * Reads a whole file as Latin-1 (one char per byte: a trace may hold any
 * bytes the traced program wrote); the text or why not.
 */
export function readBytesAsText(path: string): { text: string } | { error: string } {
  try {
    return { text: readFileSync(path, 'latin1') };
  } catch (e) {
    return { error: describeFsError(e) };
  }
}

/**
 * Replaces a file's content: a temporary file in the same directory,
 * flushed, given the original's mode, then renamed over the target (a
 * symbolic link's target is replaced, the link kept). On failure the
 * temporary file is removed and the original is untouched. Undefined when
 * done, else why not.
 */
export function replaceFileAtomically(path: string, text: string): string | undefined {
  let target: string;
  try {
    target = realpathSync(path);
  } catch (e) {
    return describeFsError(e);
  }
  const tmp = join(dirname(target), `.${basename(target)}.fmt-${process.pid}-${Date.now().toString(36)}.tmp`);
  let fd: number | undefined;
  try {
    const mode = statSync(target).mode & 0o7777;
    fd = openSync(tmp, 'wx', 0o600);
    writeAll(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    chmodSync(tmp, mode);
    renameSync(tmp, target);
    return undefined;
  } catch (e) {
    if (fd !== undefined) { try { closeSync(fd); } catch { /* already failing */ } }
    try { unlinkSync(tmp); } catch { /* not created */ }
    return describeFsError(e);
  }
}

/** A file written line by line as a run goes (`run -o FILE`); opening throws as Node does, for the caller's message. */
export class OutputStream {
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  write(text: string): void {
    if (this.fd !== undefined) writeAll(this.fd, text);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** `writeSync` may write less than asked (a full disk, a pipe): loop until all of it is out. */
function writeAll(fd: number, text: string): void {
  const data = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
}
