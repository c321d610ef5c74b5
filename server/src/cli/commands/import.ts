/** `seccomp-policy import PROFILE.json [-o OUT.seccomp] [--arch ABI] [--caps CAPS] [--kernel X.Y] [--runc-enosys]` */
import { basename } from 'node:path';
import { lookupAbi } from '../../kernel/abi';
import { importProfile } from '../../interop/import';
import { DOCKER_DEFAULT_CAPS } from '../../interop/runtime';
import { fsHost } from '../../driver/files';
import { writeOutputFile } from '../../driver/outputs';
import { hostKernelVersion, readProfileFile } from '../../driver/interop';
import { checkPolicyText, hostAbi } from '../../driver/policy';
import { parseFileArgs, UsageError } from '../args';
import type { Io } from '../io';

export const IMPORT_USAGE = `usage: seccomp-policy import PROFILE.json [-o OUT.seccomp] [--arch ABI] [--caps CAPS] [--kernel X.Y] [--runc-enosys]
  Turns a Docker/OCI seccomp profile into a policy that means what a container
  runtime (Docker or Podman with runc, and libseccomp) loads from it.
  -o OUT          write the policy to OUT (default: standard output)
  --arch ABI      the machine's architecture: picks the profile's archMap entry and
                  its includes/excludes.arches (default: this machine's, ${hostAbi()})
  --caps CAPS     the container's capabilities, comma-separated (CAP_SYS_ADMIN or
                  sys_admin), or none (default: the set Docker gives a container)
  --kernel X.Y    the kernel for includes/excludes.minKernel (default: the running one)
  --runc-enosys   add runc's ENOSYS for syscalls newer than the profile, so the policy
                  says what containers really see
  Example:
    seccomp-policy import /etc/docker/seccomp.json --caps default,CAP_SYS_PTRACE -o docker.seccomp
  Exit status: 0 written, 1 the profile could not be read or is not a seccomp
  profile (the message says where), 2 usage error.`;

export function parseCaps(text: string): string[] {
  const out = new Set<string>();
  for (const raw of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (raw === 'none') continue;
    if (raw === 'default') { for (const c of DOCKER_DEFAULT_CAPS) out.add(c); continue; }
    const name = raw.toUpperCase().replace(/^(CAP_)?/, 'CAP_');
    if (!/^CAP_[A-Z_]+$/.test(name)) throw new UsageError(`not a capability: '${raw}'`);
    out.add(name);
  }
  return [...out].sort();
}

export function runImport(argv: readonly string[], io: Io): number {
  const args = parseFileArgs(argv, {
    output: { value: true, short: 'o' }, arch: { value: true }, caps: { value: true }, kernel: { value: true },
    'runc-enosys': {}, help: { short: 'h' },
  });
  if (args.options.has('help')) { io.out(IMPORT_USAGE); return 0; }
  if (args.positional.length !== 1) { io.err(`seccomp-policy import: expected one profile file\n${IMPORT_USAGE}`); return 2; }
  const archName = args.options.get('arch') as string | undefined;
  const arch = archName === undefined ? hostAbi() : lookupAbi(archName)?.name;
  if (!arch) throw new UsageError(`unknown ABI '${archName}'`);
  const capsText = args.options.get('caps') as string | undefined;
  const caps = capsText === undefined ? [...DOCKER_DEFAULT_CAPS] : parseCaps(capsText);
  const kernel = (args.options.get('kernel') as string | undefined) ?? hostKernelVersion();
  if (!/^\d+\.\d+$/.test(kernel)) throw new UsageError(`--kernel takes a version like 6.1, not '${kernel}'`);
  const path = args.positional[0]!;
  const read = readProfileFile(path);
  if (!read.ok) { io.err(`seccomp-policy import: ${read.error}`); return 1; }
  const result = importProfile(read.profile, { arch, caps, kernel, runcEnosys: args.options.has('runc-enosys'), source: basename(path) });
  if (!result.ok) { io.err(`seccomp-policy import: ${path}: ${result.error}`); return 1; }
  const out = args.options.get('output') as string | undefined;
  // The importer's own check: what it writes must be a valid policy.
  const checked = checkPolicyText(out ?? 'imported.seccomp', result.text, fsHost);
  if (checked.errors.length) throw new Error(`the imported policy has errors: ${checked.errors[0]!.message}`);
  if (out) {
    const failed = writeOutputFile(out, result.text);
    if (failed) {
      io.err(`seccomp-policy import: cannot write ${out}: ${failed}`);
      return 1;
    }
    io.err(`${out}: ${checked.model.rules.length} rules for ${result.abis.join(', ')}`);
  } else {
    io.out(result.text.replace(/\n$/, ''));
  }
  return 0;
}
