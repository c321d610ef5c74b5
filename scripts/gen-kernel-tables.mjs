#!/usr/bin/env node
// Regenerates server/src/kernel/generated/ from the kernel UAPI headers of
// Debian sid's architecture-independent linux-libc-dev, the section 2 man
// pages (parameter names) and the hand-written tables in scripts/kernel/.
//
//   node scripts/gen-kernel-tables.mjs                 # fetches linux-libc-dev with apt-get
//   node scripts/gen-kernel-tables.mjs --headers DIR   # DIR: an unpacked package (holds usr/lib/linux/uapi)
//   options: --out DIR (default server/src/kernel/generated), --native DIR (default native/: the
//            helper's sysent_*.h), --man DIR (default /usr/share/man/man2),
//            --no-constants (keep constants.ts: needs no cross compilers; numbers, signatures,
//            argument layouts and the helper's tables are still regenerated),
//            --kernel-source TARBALL (default /usr/src/linux-source-6.1.tar.xz from Debian's
//            linux-source-6.1, when installed: the argument layouts are checked against the
//            kernel's SYSCALL_DEFINE/COMPAT_SYSCALL_DEFINE forms and syscall tables), --no-kernel-source
//
// Needs: gcc (x86_64, with -m32/-mx32), aarch64-linux-gnu-gcc,
// arm-linux-gnueabihf-gcc, riscv64-linux-gnu-gcc (Debian: gcc-aarch64-linux-gnu
// gcc-arm-linux-gnueabihf gcc-riscv64-linux-gnu), python3 (glibc's strerror
// texts), manpages-dev. The output is deterministic and committed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { collectConstants } from './kernel/constants.mjs';
import { readManPrototypes, bestPrototype } from './kernel/manpages.mjs';
import { KERNEL_PARAMS, SAME_AS, MAN_NAME, NAME_OVERRIDES } from './kernel/signature-overrides.mjs';
import { ARG_HINTS, classify, isSigned, width64 } from './kernel/arg-kinds.mjs';
import { readSyscallTables } from './kernel/syscall-tables.mjs';
import { layoutFor, MULTIPLEXERS } from './kernel/abi-layout.mjs';
import { emitHelperTables, RETURNS_BYTES } from './kernel/helper-tables.mjs';
import { definitionFor, deriveLayout, readKernelSource } from './kernel/kernel-source.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ABIS = ['x86_64', 'i386', 'x32', 'aarch64', 'arm', 'riscv64']; // order of abi.ts ABI_NAMES
const DEFAULT_KERNEL_SOURCE = '/usr/src/linux-source-6.1.tar.xz';

/** How to compile a probe for each ABI, and its directory under usr/lib/linux/uapi. */
const COMPILERS = {
  x86_64: { cc: 'gcc', flags: ['-m64'], arch: 'x86' },
  i386: { cc: 'gcc', flags: ['-m32'], arch: 'x86' },
  x32: { cc: 'gcc', flags: ['-mx32'], arch: 'x86' },
  aarch64: { cc: 'aarch64-linux-gnu-gcc', flags: [], arch: 'arm64' },
  arm: { cc: 'arm-linux-gnueabihf-gcc', flags: [], arch: 'arm' },
  riscv64: { cc: 'riscv64-linux-gnu-gcc', flags: [], arch: 'riscv' },
};

function parseArgs(argv) {
  const opts = { headers: undefined, out: join(ROOT, 'server/src/kernel/generated'), native: join(ROOT, 'native'), man: '/usr/share/man/man2', constants: true,
    kernelSource: existsSync(DEFAULT_KERNEL_SOURCE) ? DEFAULT_KERNEL_SOURCE : undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--headers') opts.headers = resolve(argv[++i]);
    else if (a === '--out') opts.out = resolve(argv[++i]);
    else if (a === '--man') opts.man = resolve(argv[++i]);
    else if (a === '--native') opts.native = resolve(argv[++i]);
    else if (a === '--no-constants') opts.constants = false;
    else if (a === '--kernel-source') opts.kernelSource = resolve(argv[++i]);
    else if (a === '--no-kernel-source') opts.kernelSource = undefined;
    else if (a === '--help' || a === '-h') {
      console.log('usage: gen-kernel-tables.mjs [--headers DIR] [--out DIR] [--native DIR] [--man DIR] [--no-constants] [--kernel-source TARBALL | --no-kernel-source]');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

/** Downloads and unpacks Debian sid's linux-libc-dev without touching the machine's apt configuration. */
function fetchHeaders() {
  const d = mkdtempSync(join(tmpdir(), 'uapi-'));
  mkdirSync(join(d, 'lists/partial'), { recursive: true });
  writeFileSync(join(d, 'sources.list'), 'deb http://deb.debian.org/debian sid main\n');
  const apt = ['-o', `Dir::Etc::sourcelist=${d}/sources.list`, '-o', 'Dir::Etc::sourceparts=-', '-o', `Dir::State::Lists=${d}/lists`];
  execFileSync('apt-get', [...apt, 'update'], { stdio: 'inherit' });
  execFileSync('apt-get', [...apt, 'download', 'linux-libc-dev'], { cwd: d, stdio: 'inherit' });
  const deb = readdirSync(d).find((f) => /^linux-libc-dev_.*_all\.deb$/.test(f));
  if (!deb) throw new Error('linux-libc-dev: no architecture-independent package was downloaded');
  execFileSync('dpkg', ['-x', join(d, deb), join(d, 'x')]);
  return join(d, 'x');
}

function packageVersion(root) {
  const log = join(root, 'usr/share/doc/linux-libc-dev/changelog.Debian.gz');
  if (existsSync(log)) {
    const first = gunzipSync(readFileSync(log)).toString('utf8').split('\n')[0];
    const m = /^linux \(([^)]+)\)/.exec(first);
    if (m) return `linux-libc-dev ${m[1]}`;
  }
  return 'linux-libc-dev (unknown version)';
}

function manpagesVersion() {
  try {
    return `manpages-dev ${execFileSync('dpkg-query', ['-W', '-f=${Version}', 'manpages-dev'], { encoding: 'utf8' }).trim()}`;
  } catch {
    return 'manpages-dev (unknown version)';
  }
}

function checkCompilers() {
  const missing = [];
  for (const { cc } of Object.values(COMPILERS)) {
    try { execFileSync(cc, ['--version'], { stdio: 'ignore' }); } catch { missing.push(cc); }
  }
  if (missing.length) {
    throw new Error(`missing compilers: ${[...new Set(missing)].join(', ')}\n` +
      'install: apt-get install -y --no-install-recommends gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-riscv64-linux-gnu');
  }
}

// ---------------------------------------------------------------- signatures

function parseKernelParams(text) {
  if (text.trim() === '') return [];
  return text.split(',').map((p) => {
    const m = /^(.*?)(\w+)$/.exec(p.trim());
    if (!m) throw new Error(`bad kernel parameter: ${p}`);
    return { type: m[1].trim().replace(/\s*\*\s*/g, ' *').replace(/\* \*/g, '**').replace(/ \*const/g, ' *const').trim(), name: m[2] };
  });
}

function buildSignatures(names, manProtos) {
  const out = [];
  const report = { noKernel: [], noMan: [], arity: [], badHints: [] };
  for (const name of names) {
    const kname = SAME_AS[name] ?? name;
    const ktext = KERNEL_PARAMS[kname];
    if (ktext === undefined) { report.noKernel.push(name); continue; }
    const kparams = parseKernelParams(ktext);
    const manKey = MAN_NAME[name] ?? MAN_NAME[kname] ?? kname;
    const man = bestPrototype(manProtos.get(manKey)) ?? bestPrototype(manProtos.get(name));
    const override = NAME_OVERRIDES[name] ?? NAME_OVERRIDES[kname];
    if (override && override.length !== kparams.length) throw new Error(`${name}: NAME_OVERRIDES has ${override.length} names, kernel ${kparams.length}`);
    if (!man) report.noMan.push(name);
    const manAligned = man && man.params.length === kparams.length;
    const reordered = override && manAligned && [...override].sort().join() === man.params.map((p) => p.name).sort().join() &&
      override.join() !== man.params.map((p) => p.name).join();
    if (man && !manAligned && !override) report.arity.push(`${name}: man(${man.params.map((p) => p.name)}) kernel(${kparams.map((p) => p.name)})`);
    const args = kparams.map((kp, i) => {
      const docName = override?.[i] ?? (man && i < man.params.length ? man.params[i].name : kp.name);
      // When NAME_OVERRIDES only reorders the man page's parameters (arm_fadvise64_64 against
      // posix_fadvise), the C type goes with the name, not with the position.
      const manType = reordered ? man.params.find((p) => p.name === docName)?.type : manAligned ? man.params[i].type : undefined;
      return { name: docName, kname: kp.name, ktype: kp.type, ctype: manType ?? kp.type };
    });
    // aliases: the kernel's name, when it differs and does not clash with another argument
    const taken = new Set(args.map((a) => a.name));
    const built = args.map((a) => {
      const aliases = [];
      if (a.kname !== a.name && !taken.has(a.kname)) { aliases.push(a.kname); taken.add(a.kname); }
      const { kind, constants } = classify(kname, a.name, a.kname, a.ktype);
      return { name: a.name, aliases, type: a.ktype, kind, signed: isSigned(a.ktype), w64: width64(a.ktype), constants, ctype: a.ctype };
    });
    const ret = man ? man.ret : 'long';
    const paramText = built.length === 0 ? 'void' : built.map((a) => `${a.ctype}${a.ctype.endsWith('*') ? '' : ' '}${a.name}`).join(', ');
    const signature = `${ret}${ret.endsWith('*') ? '' : ' '}${name}(${paramText})`;
    out.push({ name, signature, args: built });
  }
  // every hint must name an existing argument (catches typos in arg-kinds.mjs)
  const bySys = new Map(out.map((s) => [s.name, s]));
  for (const [sys, hints] of Object.entries(ARG_HINTS)) {
    const s = bySys.get(sys);
    if (!s) { report.badHints.push(`${sys} (no such syscall)`); continue; }
    for (const arg of Object.keys(hints)) {
      if (!s.args.some((a) => a.name === arg || a.aliases.includes(arg))) report.badHints.push(`${sys}.${arg}`);
    }
  }
  return { sigs: out, report };
}

// ---------------------------------------------------------------- errno texts

function errnoMessages(numbers) {
  const script = 'import os,sys,json\nprint(json.dumps({n: os.strerror(n) for n in map(int, sys.argv[1:])}))';
  const json = execFileSync('python3', ['-c', script, ...numbers.map(String)], { encoding: 'utf8' });
  return JSON.parse(json);
}

// ---------------------------------------------------------------- emit

const q = (s) => JSON.stringify(s);
/** Constant values: decimal below 4096 (and when negative), hex above. */
const num = (v) => (v < 0n ? `-${(-v).toString()}` : v < 4096n ? v.toString() : `0x${v.toString(16)}`);
/** Syscall numbers: decimal, except x32's and ARM's private ones, which read better in hex. */
const nr = (n) => (n >= 0x10000 ? `0x${n.toString(16)}` : String(n));
const ABI_COLUMNS = `export const ABI_COLUMNS = ${JSON.stringify(ABIS)} as const;\n\n`;

function header(what, versions) {
  const [uapi, ...rest] = versions;
  return [
    '// GENERATED by scripts/gen-kernel-tables.mjs: do not edit.',
    `// ${what}`,
    `// Source: ${uapi} (Debian sid, architecture-independent UAPI headers)${rest.length ? `; parameter names: ${rest.join(', ')}` : ''}.`,
    '// ABI column order: x86_64, i386, x32, aarch64, arm, riscv64.',
    '',
  ].join('\n');
}

function emitNumbers(tables, versions) {
  const names = [...new Set(ABIS.flatMap((a) => [...tables[a].keys()]))].sort();
  const rows = names.map((n) => `  [${q(n)}, ${ABIS.map((a) => (tables[a].has(n) ? nr(tables[a].get(n)) : 'null')).join(', ')}],`);
  return header('Syscall numbers per ABI (x32 numbers include __X32_SYSCALL_BIT 0x40000000; arm is EABI).', versions) +
    '\n' + ABI_COLUMNS +
    '/** [name, x86_64, i386, x32, aarch64, arm, riscv64]; null where the ABI lacks the call. */\n' +
    'export type SyscallNumberRow = readonly [string, number | null, number | null, number | null, number | null, number | null, number | null];\n\n' +
    `export const SYSCALL_NUMBERS: readonly SyscallNumberRow[] = [\n${rows.join('\n')}\n];\n`;
}

function emitSignatures(sigs, versions) {
  const rows = sigs.map((s) => {
    const args = s.args.map((a) => `[${q(a.name)}, ${q(a.aliases)}, ${q(a.type)}, ${q(a.kind)}, ${a.signed ? 1 : 0}, ${a.w64}, ${q(a.constants)}]`);
    return `  [${q(s.name)}, ${q(s.signature)}, [${args.join(', ')}]],`;
  });
  return header('Syscall argument signatures: documented names (man pages), kernel types and names (scripts/kernel/signature-overrides.mjs), kinds and constant families (scripts/kernel/arg-kinds.mjs).', versions) +
    '\nimport type { ArgKind } from \'../types\';\n\n' +
    '/**\n * [name, aliases, kernel type, kind, signed (0/1), width on 64-bit ABIs, constant families].\n' +
    ' * 32-bit ABIs (i386, arm) read every argument as 32 bits; x32 uses x86_64\'s widths.\n */\n' +
    'export type ArgRow = readonly [string, readonly string[], string, ArgKind, 0 | 1, 32 | 64, readonly string[]];\n' +
    '/** [syscall, C prototype, arguments]. */\n' +
    'export type SignatureRow = readonly [string, string, readonly ArgRow[]];\n\n' +
    `export const SIGNATURES: readonly SignatureRow[] = [\n${rows.join('\n')}\n];\n`;
}

function emitConstants(constants, messages, versions) {
  const names = [...constants.keys()].sort();
  const rows = names.map((n) => {
    const c = constants.get(n);
    const vals = ABIS.map((a) => (c.values.has(a) ? num(c.values.get(a)) : null));
    const same = vals.every((v) => v !== null && v === vals[0]);
    const value = same ? q(vals[0]) : `[${vals.map((v) => (v === null ? 'null' : q(v))).join(', ')}]`;
    return `  [${q(n)}, ${q(c.family)}, ${value}],`;
  });
  const msgRows = Object.keys(messages).sort().map((n) => `  ${n}: ${q(messages[n])},`);
  return header('Constants per ABI, from each ABI\'s UAPI headers compiled with that ABI\'s compiler. ' +
      'AF_*, SOCK_*, MSG_*, SHUT_*, SCM_RIGHTS/SCM_CREDENTIALS, most SOL_*, *_OK, MNT_*/UMOUNT_NOFOLLOW and ENOTSUP come from the ' +
      'host glibc headers: the UAPI lacks them and they are the same on these six ABIs.', versions) +
    '\n' + ABI_COLUMNS + '/**\n * [name, family, value]: value is one string when every ABI agrees, else one per ABI\n' +
    ' * (null where the ABI does not define it). Strings are decimal, 0x-hex or negative decimal.\n */\n' +
    'export type ConstantRow = readonly [string, string, string | readonly (string | null)[]];\n\n' +
    `export const CONSTANTS: readonly ConstantRow[] = [\n${rows.join('\n')}\n];\n\n` +
    '/** errno name → glibc\'s strerror() text (a fact about the number, not prose). */\n' +
    `export const ERRNO_MESSAGES: Readonly<Record<string, string>> = {\n${msgRows.join('\n')}\n};\n`;
}

/**
 * Argument layouts that differ from "argument i in register i", per ABI that
 * has the call (scripts/kernel/abi-layout.mjs holds the rules and their
 * kernel sources).
 */
function emitLayout(sigs, tables, versions) {
  const rows = [];
  for (const s of sigs) {
    for (const abi of ABIS) {
      if (!tables[abi].has(s.name)) continue;
      const l = layoutFor({ name: s.name, args: s.args.map((a) => ({ name: a.name, type: a.type })) }, abi);
      if (!l) continue;
      const places = l.places.map((p) => (p === null ? 'null' : Array.isArray(p) ? `[${p[0]}, ${p[1]}]` : String(p)));
      const reasons = l.reasons.some((r) => r !== null) ? `, [${l.reasons.map((r) => (r === null ? 'null' : q(r))).join(', ')}]` : '';
      rows.push(`  [${q(s.name)}, ${q(abi)}, [${places.join(', ')}]${reasons}],`);
    }
  }
  const mux = Object.keys(MULTIPLEXERS).sort().map((k) => `  ${k}: ${q(MULTIPLEXERS[k])},`);
  return header('Argument layouts per ABI: which registers (seccomp_data.args) each parameter of signatures.ts occupies, ' +
      'where that is not "parameter i in register i" (rules and kernel sources: scripts/kernel/abi-layout.mjs).', versions) +
    '\n/**\n * A place: a register index; [lo, hi] for a 64-bit value split over two 32-bit registers\n' +
    ' * (low word in lo); null where seccomp cannot see the parameter on that ABI.\n */\n' +
    'export type ArgPlaceRow = number | readonly [number, number] | null;\n' +
    '/** [syscall, ABI, place of each parameter in signature order, why a null place is unseen]. */\n' +
    'export type LayoutRow = readonly [string, string, readonly ArgPlaceRow[], (readonly (string | null)[])?];\n\n' +
    `export const ARG_LAYOUTS: readonly LayoutRow[] = [\n${rows.join('\n')}\n];\n\n` +
    '/** Calls that multiplex many operations behind one number: what seccomp can and cannot check. */\n' +
    `export const MULTIPLEXERS: Readonly<Record<string, string>> = {\n${mux.join('\n')}\n};\n`;
}

/**
 * Checks the layout of abi-layout.mjs against the kernel's sources: for
 * each syscall and ABI, the parameters of the function the kernel enters.
 * Returns counts; throws on any disagreement.
 */
function checkLayoutAgainstSource(sigs, tables, src) {
  const wrong = [];
  const counts = { checked: 0, widths: 0, noEntry: 0, noDefinition: [] };
  for (const s of sigs) {
    for (const abi of ABIS) {
      const nr = tables[abi].get(s.name);
      if (nr === undefined || s.args.length === 0) continue;
      const fn = src.entries[abi].get(nr);
      if (!fn || fn === 'sys_ni_syscall') { counts.noEntry++; continue; }
      const def = definitionFor(src, abi, fn);
      if (!def) { counts.noDefinition.push(`${s.name}/${abi} (${fn})`); continue; }
      // On the 64-bit ABIs, where each parameter is one register, the kernel's types give the widths
      // (signature-overrides.mjs is written by hand: this catches a wrong type there).
      if (abi === 'x86_64' || abi === 'aarch64' || abi === 'riscv64') {
        const ours = s.args.map((a) => width64(a.type));
        const theirs = def.params.map((p) => width64(p.type));
        counts.widths++;
        if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
          wrong.push(`${s.name} on ${abi}: widths ${ours.join(',')} in signature-overrides.mjs, ${theirs.join(',')} in ${def.file} (${def.params.map((p) => `${p.type} ${p.name}`).join(', ')})`);
        }
      }
      const derived = deriveLayout({ args: s.args.map((a) => ({ names: [a.name, ...a.aliases], type: a.type })) }, def, abi);
      const rule = layoutFor({ name: s.name, args: s.args.map((a) => ({ name: a.name, type: a.type })) }, abi);
      const want = rule ? rule.places : s.args.map((_, i) => i);
      counts.checked++;
      if (JSON.stringify(derived) !== JSON.stringify(want)) {
        wrong.push(`${s.name} on ${abi}: the rules say ${JSON.stringify(want)}, ${def.file} (${fn}: ${def.params.map((p) => p.name).join(', ')}) says ${JSON.stringify(derived)}`);
      }
    }
  }
  if (wrong.length) throw new Error(`argument layout disagrees with the kernel sources:\n  ${wrong.join('\n  ')}`);
  return counts;
}

// ---------------------------------------------------------------- main

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.constants) checkCompilers();
  const root = opts.headers ?? fetchHeaders();
  const fetched = opts.headers === undefined;
  const uapi = join(root, 'usr/lib/linux/uapi');
  const include = join(root, 'usr/include');
  if (!existsSync(uapi)) throw new Error(`${uapi} does not exist (expected an unpacked linux-libc-dev)`);
  const versions = [packageVersion(root)];

  const tables = readSyscallTables(uapi);
  const allNames = [...new Set(ABIS.flatMap((a) => [...tables[a].keys()]))].sort();

  const manProtos = readManPrototypes(opts.man);
  const { sigs, report } = buildSignatures(allNames, manProtos);
  if (report.noKernel.length) throw new Error(`no kernel prototype in signature-overrides.mjs for: ${report.noKernel.join(' ')}`);
  if (report.badHints.length) console.error(`warning: ARG_HINTS entries that match no argument: ${report.badHints.join(' ')}`);
  if (process.env.GEN_VERBOSE) {
    console.error(`no man prototype: ${report.noMan.join(' ')}`);
    console.error(`arity differs (man names used as a prefix):\n  ${report.arity.join('\n  ')}`);
  }

  let layoutSource = 'not checked against kernel sources (no --kernel-source)';
  if (opts.kernelSource) {
    const src = readKernelSource(opts.kernelSource);
    const c = checkLayoutAgainstSource(sigs, tables, src);
    layoutSource = `checked against Linux ${src.version} sources: ${c.checked} (syscall, ABI) pairs agree, and ${c.widths} 64-bit ABI signatures' widths`;
    console.log(`argument layout: ${layoutSource}; ${c.noEntry} without an entry point there; ${c.noDefinition.length} whose definition was not found or is ambiguous`);
    if (process.env.GEN_VERBOSE) console.error(`no definition: ${c.noDefinition.join(' ')}`);
  } else console.error(`warning: argument layout ${layoutSource}`);

  let constants;
  const messages = {};
  if (opts.constants) {
    constants = collectConstants(ABIS.map((abi) => ({ abi, ...COMPILERS[abi] })), uapi, include);
    const errnoNames = [...constants.keys()].filter((n) => constants.get(n).family === 'E').sort();
    const errnoNumbers = [...new Set(errnoNames.map((n) => Number(constants.get(n).values.get('x86_64'))))].sort((a, b) => a - b);
    const byNumber = errnoMessages(errnoNumbers);
    for (const n of errnoNames) messages[n] = byNumber[String(Number(constants.get(n).values.get('x86_64')))];
  }

  mkdirSync(opts.out, { recursive: true });
  const sigVersions = [...versions, manpagesVersion()];
  writeFileSync(join(opts.out, 'syscall-numbers.ts'), emitNumbers(tables, versions));
  writeFileSync(join(opts.out, 'signatures.ts'), emitSignatures(sigs, sigVersions));
  writeFileSync(join(opts.out, 'arg-layout.ts'), emitLayout(sigs, tables, [...sigVersions, `layout ${layoutSource}`]));
  writeFileSync(join(opts.out, 'decoding.ts'), header('What the trace helper decodes beyond argument kinds (scripts/kernel/helper-tables.mjs).', sigVersions) +
    '\n/** Syscalls whose return value counts the bytes of their buffer parameter (the helper copies that many). */\n' +
    `export const RETURNS_BYTES: readonly string[] = ${JSON.stringify(RETURNS_BYTES)};\n`);
  for (const [file, text] of Object.entries(emitHelperTables(sigs, tables, sigVersions))) writeFileSync(join(opts.native, file), text);
  if (constants) writeFileSync(join(opts.out, 'constants.ts'), emitConstants(constants, messages, versions));
  if (fetched) rmSync(dirname(root), { recursive: true, force: true });
  const counts = ABIS.map((a) => `${a} ${tables[a].size}`).join(', ');
  console.log(`syscalls: ${allNames.length} names (${counts}); constants: ${constants ? constants.size : 'kept'}; written to ${opts.out}`);
}

main();
