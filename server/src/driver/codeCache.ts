/**
 * Loading a large CommonJS bundle through V8's code cache, so that a new
 * process does not parse and compile it again: compiling the language
 * server's 1.2 MB bundle was the largest single cost of its start (about a
 * third of the time to the first diagnostics of a small policy), and the
 * functions its first check compiles lazily cost as much again. Node 20 has
 * no built-in compile cache (`module.enableCompileCache` is Node 22).
 *
 * The cache sits beside the bundle, one file per runtime (Node and VS Code's
 * Electron differ in V8 version and flags, and V8 rejects another's cache):
 * `<bundle>.<runtime key>.cache`, holding the SHA-256 of the bundle's text
 * and then V8's data. V8 itself checks only the source's length, so the hash
 * makes a rebuilt bundle never run another build's code. A missing, stale or
 * rejected cache costs nothing but the plain compile, and a new one is
 * written when the process exits (it then holds every function the session
 * compiled); a folder that cannot be written to keeps the plain compile.
 * The cache is code, trusted as the bundle beside it is: a cache file is
 * used only when it belongs to this user (or root) and nobody else may
 * write to it, so another user cannot plant one in a folder open to all.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

const HASH_BYTES = 32;

/** The runtime's part of the cache's name: what decides whether V8 accepts it. */
function runtimeKey(): string {
  const runtime = [process.version, process.versions.v8, process.arch, ...process.execArgv].join('\0');
  return createHash('sha256').update(runtime).digest('hex').slice(0, 16);
}

/** The cache file for `bundle` in this runtime. */
export function codeCachePath(bundle: string): string {
  return `${bundle}.${runtimeKey()}.cache`;
}

/**
 * Runs the CommonJS file `bundle` (its `require` resolves from its own
 * folder) with the code cache when one matches, and writes a fresh cache at
 * exit when none did. Returns the module's exports.
 */
export function requireWithCodeCache(bundle: string): unknown {
  const source = readFileSync(bundle, 'utf8');
  const hash = createHash('sha256').update(source).digest();
  const cacheFile = codeCachePath(bundle);
  const data = readTrusted(cacheFile);
  const cached = data && data.length > HASH_BYTES && data.subarray(0, HASH_BYTES).equals(hash) ? data.subarray(HASH_BYTES) : undefined;
  const script = new Script(wrap(source), { filename: bundle, ...(cached ? { cachedData: cached } : {}) });
  if (!cached || script.cachedDataRejected) process.once('exit', () => writeCache(cacheFile, hash, script));
  const module = { exports: {} as unknown, filename: bundle, id: bundle, loaded: false };
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  module.loaded = true;
  return module.exports;
}

/** The file's bytes when it is a regular file of this user or root that only its owner may write; else undefined. */
function readTrusted(path: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const st = fstatSync(fd);
    const owner = st.uid === 0 || st.uid === process.getuid?.();
    return st.isFile() && owner && (st.mode & 0o022) === 0 ? readFileSync(fd) : undefined;
  } catch {
    return undefined; // no cache yet, or unreadable: compiled as usual
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes the cache (a temporary file renamed into place: a reader never sees half of one); failures are ignored. */
function writeCache(cacheFile: string, hash: Buffer, script: Script): void {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    // `wx`: never through a file (or link) someone left at that name.
    writeFileSync(temporary, Buffer.concat([hash, script.createCachedData()]), { mode: 0o644, flag: 'wx' });
    renameSync(temporary, cacheFile);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // nothing was written
    }
  }
}
