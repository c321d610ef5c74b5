/**
 * The shipped trace helper (native/build/seccomp-run) must be executable.
 * Some ways of installing a .vsix (copies, archive tools) drop the execute
 * bit; put it back at activation rather than let the first run fail. Only
 * a file operation: the helper is started by the language server, never here.
 */
import { promises as fs, constants } from 'node:fs';
import * as path from 'node:path';

export const HELPER_RELATIVE_PATH = path.join('native', 'build', 'seccomp-run');

/** Returns what it did, for the log: 'ok', 'fixed', 'missing' or an error message. */
export async function ensureHelperExecutable(extensionPath: string): Promise<string> {
  const helper = path.join(extensionPath, HELPER_RELATIVE_PATH);
  try {
    await fs.access(helper, constants.X_OK);
    return 'ok';
  } catch {
    // Not executable, or not there.
  }
  try {
    const st = await fs.stat(helper);
    await fs.chmod(helper, st.mode | 0o111);
    return 'fixed';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'missing' : `cannot make ${helper} executable: ${(err as Error).message}`;
  }
}
