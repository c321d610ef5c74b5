/**
 * Finding the trace helper, and saying what to do when there is none.
 *
 * Order: an explicit path (the editor's `seccompPolicy.helper.path`), then
 * $SECCOMP_RUN_HELPER, then `native/build/seccomp-run` in the first few
 * folders above the running code (dist/ in the bundle, server/src/driver in
 * the sources). An explicit path that does not exist is an error; a stale
 * $SECCOMP_RUN_HELPER falls back to the built helper, as the CLI always did.
 *
 * A helper that lost its execute bit (unpacked from an archive that kept no
 * modes) gets it back here, once, rather than failing every run.
 */
import { accessSync, chmodSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { HELPER_NAME } from './helperProcess';

export type HelperLookup =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly reason: 'no-helper' | 'unsupported-platform'; readonly message: string };

/** The `native/build/seccomp-run` paths above `from`, nearest first. */
export function builtHelperCandidates(from: string = __dirname): string[] {
  const out: string[] = [];
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
 * The helper to run, or why tracing cannot work here (one sentence with the
 * fix). `explicit` is a user's setting; `from` is where to start looking for
 * a built helper (tests).
 */
export function locateHelper(explicit?: string, from?: string): HelperLookup {
  if (process.platform !== 'linux') {
    return { ok: false, reason: 'unsupported-platform', message: `tracing needs Linux (this is ${process.platform}); open the folder in a Remote or WSL window` };
  }
  if (explicit !== undefined && explicit !== '') {
    const path = resolve(explicit);
    if (!existsSync(path)) return { ok: false, reason: 'no-helper', message: `the trace helper set in seccompPolicy.helper.path does not exist (${path}); correct the setting or clear it to use the bundled helper` };
    return executable(path);
  }
  const env = process.env.SECCOMP_RUN_HELPER;
  const candidates = [...(env ? [resolve(env)] : []), ...builtHelperCandidates(from)];
  const found = candidates.find((p) => existsSync(p) && statSync(p).isFile());
  if (found) return executable(found);
  // Name the place a build would put it: the first candidate whose native/ folder exists.
  const nativeDir = builtHelperCandidates(from).map((p) => dirname(dirname(p))).find((d) => existsSync(join(d, 'Makefile')));
  const build = nativeDir ? `run \`make -C ${nativeDir}\`` : 'build it with `make -C native` in the seccomp-policy sources';
  return {
    ok: false, reason: 'no-helper',
    message: `the trace helper ${HELPER_NAME} is not built: ${build}, or point $SECCOMP_RUN_HELPER (in the editor: the setting seccompPolicy.helper.path) at a built helper`,
  };
}

/** `path` if it can be executed, after restoring a lost execute bit if need be. */
function executable(path: string): HelperLookup {
  if (canExecute(path)) return { ok: true, path };
  try {
    const mode = statSync(path).mode & 0o7777;
    // Execute wherever read is allowed: what `chmod +x` does for a file we own.
    chmodSync(path, mode | ((mode & 0o444) >> 2));
  } catch {
    // Not ours to change: the message below says what to do.
  }
  if (canExecute(path)) return { ok: true, path };
  return { ok: false, reason: 'no-helper', message: `the trace helper ${path} is not executable and its mode could not be changed: run \`chmod +x ${path}\`` };
}

function canExecute(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
