/**
 * The machine's facts a profile import needs, and reading a profile: the
 * interop core (server/src/interop/) is pure and takes these as arguments.
 */
import { release } from 'node:os';
import { readProfile, type ProfileResult } from '../interop/profile';
import { readPolicyFile } from './files';

/** The running kernel as `major.minor` (what a profile's `minKernel` is compared with). */
export function hostKernelVersion(): string {
  const m = /^(\d+)\.(\d+)/.exec(release());
  return m ? `${m[1]}.${m[2]}` : '0.0';
}

/** Reads and checks a Docker/OCI profile file; errors say where (`cannot read …`, `not valid JSON at line …`). */
export function readProfileFile(path: string): ProfileResult {
  const read = readPolicyFile(path);
  if ('error' in read) return { ok: false, error: `cannot read ${path}: ${read.error}` };
  const r = readProfile(read.text);
  return r.ok ? r : { ok: false, error: `${path}: ${r.error}` };
}
