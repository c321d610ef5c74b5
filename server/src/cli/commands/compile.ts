/** `seccomp-policy compile FILE [-o OUT] [--format raw|c|disasm|json|oci] [--arch ABI[,ABI]] [--profile TRACE.json]` */
import { basename } from 'node:path';
import { lookupAbi, type Abi } from '../../kernel/abi';
import type { SyscallProfile } from '../../compiler/profile';
import { profileFromTrace } from '../../trace/profile';
import { toCHeader, toDisassembly, toJson, toRaw } from '../../compiler/output';
import { programStats } from '../../compiler/stats';
import { exportProfile } from '../../interop/export';
import { parseFileArgs, UsageError } from '../args';
import { readBytesAsText, writeOutputFile } from '../../driver/outputs';
import { INCLUDE_DIR_OPTION, INCLUDE_DIR_USAGE, loadValidPolicy, policyHostFor } from '../load';
import type { Io } from '../io';

export const COMPILE_USAGE = `usage: seccomp-policy compile FILE [-o OUT] [--format raw|c|disasm|json|oci] [--arch ABI[,ABI...]] [--profile TRACE.json]
  raw     the program as the kernel takes it (struct sock_filter[], 8 bytes each)
  c       a C header with the sock_filter array and its sock_fprog
  disasm  an annotated listing: each instruction with its policy line
  json    {abis, instructions: [{code, jt, jf, k}], sourceMap, stats}
  oci     a Docker/OCI seccomp profile with the same meaning (docs/interop.md); a rule
          a profile cannot say is an error naming it
  --arch  compile for these ABIs only (default: the policy's arch)
  --profile  weigh the filter by a trace saved by \`seccomp-policy run --json -o TRACE.json\`:
          the syscalls the run made most get the shortest paths (decisions do not change)
${INCLUDE_DIR_USAGE}

examples:
  seccomp-policy compile policy.seccomp -o policy.bpf
  seccomp-policy compile policy.seccomp --format disasm | less
  seccomp-policy compile policy.seccomp --format c -o filter.h --arch x86_64
  seccomp-policy compile policy.seccomp --profile trace.json -o policy.bpf`;

const FORMATS = ['raw', 'c', 'disasm', 'json', 'oci'] as const;

export function parseAbiList(text: string): Abi[] {
  const abis: Abi[] = [];
  for (const name of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const info = lookupAbi(name);
    if (!info) throw new UsageError(`unknown ABI '${name}'`);
    // An ABI named twice (or by its alias too) is one ABI: the program has one group per ABI.
    if (!abis.includes(info.name)) abis.push(info.name);
  }
  if (abis.length === 0) throw new UsageError('--arch needs an ABI name');
  return abis;
}

export function runCompile(argv: readonly string[], io: Io & { isTty?: boolean; writeBytes?: (b: Uint8Array) => void }): number {
  const args = parseFileArgs(argv, { output: { value: true, short: 'o' }, format: { value: true, short: 'f' }, arch: { value: true }, profile: { value: true }, help: { short: 'h' }, ...INCLUDE_DIR_OPTION });
  if (args.options.has('help')) { io.out(COMPILE_USAGE); return 0; }
  if (args.positional.length !== 1) { io.err(`seccomp-policy compile: expected one policy file\n${COMPILE_USAGE}`); return 2; }
  const format = (args.options.get('format') ?? 'raw') as string;
  if (!(FORMATS as readonly string[]).includes(format)) { io.err(`seccomp-policy compile: unknown format '${format}' (raw, c, disasm, json, oci)`); return 2; }
  const out = args.options.get('output') as string | undefined;
  if (format === 'raw' && !out && io.isTty) {
    io.err('seccomp-policy compile: refusing to write binary BPF to a terminal; use -o FILE, redirect the output, or --format disasm to read it');
    return 2;
  }
  const path = args.positional[0]!;
  const profilePath = args.options.get('profile') as string | undefined;
  let profile: SyscallProfile | undefined;
  if (profilePath !== undefined) {
    const read = readBytesAsText(profilePath);
    if ('error' in read) {
      io.err(`seccomp-policy compile: cannot read profile ${profilePath}: ${read.error}`);
      return 1;
    }
    const parsed = profileFromTrace(read.text);
    if (!parsed.ok) { io.err(`seccomp-policy compile: ${profilePath}: ${parsed.error}`); return 1; }
    profile = parsed.profile;
  }
  const abis = args.options.has('arch') ? parseAbiList(args.options.get('arch') as string) : undefined;
  // Checked and compiled once, for exactly the ABIs asked for, so the size limit is that program's.
  const loaded = loadValidPolicy(path, io, 'compile', { ...(abis ? { abis } : {}), ...(profile ? { profile } : {}) }, policyHostFor(args));
  if (!loaded) return 1;
  const { model, program } = loaded;
  const missing = abis?.filter((a) => !model.abis.includes(a)) ?? [];
  if (missing.length) { io.err(`seccomp-policy compile: ${missing.join(', ')} is not in the policy's arch (${model.abis.join(', ')})`); return 2; }
  let data: string | Uint8Array;
  switch (format) {
    case 'raw': data = toRaw(program); break;
    case 'c': data = toCHeader(program, basename(path).replace(/\.seccomp$/, '') + '_filter', path); break;
    case 'disasm': data = toDisassembly(program) + '\n'; break;
    case 'oci': {
      const exported = exportProfile(model);
      if (!exported.ok) { io.err(`seccomp-policy compile: ${exported.error}`); return 1; }
      for (const w of exported.warnings) io.err(`seccomp-policy compile: warning: ${w}`);
      data = exported.json;
      break;
    }
    default: data = toJson(program, programStats(program)) + '\n';
  }
  if (out) {
    const failed = writeOutputFile(out, data);
    if (failed) {
      io.err(`seccomp-policy compile: cannot write ${out}: ${failed}`);
      return 1;
    }
    io.err(format === 'oci' ? `${out}: a Docker/OCI profile for ${model.abis.join(', ')}` : `${out}: ${program.instructions.length} instructions for ${program.abis.join(', ')}`);
  } else if (typeof data === 'string') {
    io.out(data.replace(/\n$/, ''));
  } else if (io.writeBytes) {
    io.writeBytes(data);
  } else {
    throw new Error('no binary output channel');
  }
  return 0;
}
