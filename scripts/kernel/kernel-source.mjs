// Reads the kernel's own sources (Debian's linux-source-6.1 tarball) to find,
// for every syscall and ABI, the function the kernel enters and the
// parameters that function declares (SYSCALL_DEFINEn / COMPAT_SYSCALL_DEFINEn),
// and from them which registers hold each parameter. gen-kernel-tables.mjs
// checks the layout of abi-layout.mjs against this, so the arch rules there
// are proven by the sources, not only written from knowledge.
//
// Which function each ABI enters for a number:
//   x86_64, x32  arch/x86/entry/syscalls/syscall_64.tbl (x32 rows: the x32 entry)
//   i386         arch/x86/entry/syscalls/syscall_32.tbl (the compat entry of a
//                64-bit kernel when given, else the native one)
//   arm          arch/arm64/include/asm/unistd32.h (an arm64 kernel's compat table)
//   aarch64, riscv64  include/uapi/asm-generic/unistd.h (__SYSCALL, __SC_COMP, __SC_3264)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWide64 } from './abi-layout.mjs';

/** Where each ABI's arch-specific definitions live (other arch/ trees are ignored). */
const ARCH_DIR = { x86_64: 'x86', x32: 'x86', i386: 'x86', aarch64: 'arm64', arm: 'arm64', riscv64: 'riscv' };

function walk(dir, out = []) {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (e.endsWith('.c')) out.push(p);
  }
  return out;
}

/** Splits a macro's argument list at top-level commas. */
function splitArgs(text) {
  const out = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { out.push(cur.trim()); cur = ''; } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/**
 * A 64-bit parameter split into two u32 by a macro: arm64's arg_u32p(name)
 * (arch/arm64/kernel/sys32.c) and SC_ARG64(name) (include/linux/syscalls.h),
 * both `u32, name_lo, u32, name_hi` on little-endian.
 */
function expandMacros(items) {
  return items.flatMap((x) => {
    const m = /^(?:arg_u32p|SC_ARG64)\((\w+)\)$/.exec(x);
    return m ? ['u32', `${m[1]}_lo`, 'u32', `${m[1]}_hi`] : [x];
  });
}

/**
 * Every SYSCALL_DEFINEn / COMPAT_SYSCALL_DEFINEn of a file, with the
 * preprocessor conditions around it (for clone's CLONE_BACKWARDS variants).
 */
function definitions(text) {
  const out = [];
  const stack = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const pp = /^#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$/.exec(line);
    if (pp) {
      if (pp[1] === 'endif') stack.pop();
      else if (pp[1] === 'elif' || pp[1] === 'else') stack[stack.length - 1] = `${pp[1]} ${pp[2].trim()}`;
      else stack.push(`${pp[1]} ${pp[2].trim()}`);
      continue;
    }
    // SYSCALL32_DEFINEn is COMPAT_SYSCALL_DEFINEn in a kernel with CONFIG_COMPAT (include/linux/syscalls.h).
    const m = /^(COMPAT_|SYSCALL32_)?SYSCALL_DEFINE(\d)\(|^(SYSCALL32)_DEFINE(\d)\(/.exec(line);
    if (!m) continue;
    // The macro's arguments, up to its closing parenthesis (they span lines).
    let body = '';
    let depth = 1;
    let rest = line.slice(m[0].length);
    for (let j = i; depth > 0 && j < lines.length && j <= i + 20; rest = lines[++j] ?? '') {
      for (const ch of rest) {
        if (ch === '(') depth++;
        else if (ch === ')' && --depth === 0) break;
        body += ch;
      }
      body += ' ';
    }
    const items = expandMacros(splitArgs(body.replace(/__user\s*/g, '')));
    const name = items.shift();
    const params = [];
    for (let k = 0; k + 1 < items.length; k += 2) params.push({ type: items[k].replace(/\s+/g, ' ').replace(/\s*\*\s*/g, ' *').trim(), name: items[k + 1] });
    if (params.length !== Number(m[2] ?? m[4])) continue; // not a syscall definition after all
    out.push({ fn: `${m[1] || m[3] ? 'compat_' : ''}sys_${name}`, params, cond: [...stack] });
  }
  return out;
}

function tableRows(text) {
  return text.split('\n').filter((l) => /^\d/.test(l)).map((l) => l.split(/\s+/));
}

/**
 * Unpacks what is needed from the tarball (about a minute: it is one xz
 * stream) and reads it.
 * @returns {{ entries: Record<string, Map<number, string>>, defs: Record<string, Map<string, object[]>>, cloneBackwards: Set<string>, version: string }}
 */
export function readKernelSource(tarball) {
  const unpacked = statSync(tarball).isDirectory(); // an already unpacked tree, for development
  const dir = unpacked ? tarball : mkdtempSync(join(tmpdir(), 'ksrc-'));
  try {
    if (!unpacked) {
      execFileSync('tar', ['-xJf', tarball, '-C', dir, '--wildcards', '--no-anchored',
        '*.c', '*/syscall_64.tbl', '*/syscall_32.tbl', '*/arm64/include/asm/unistd32.h', '*/asm-generic/unistd.h', '*/Kconfig', 'Makefile'], { stdio: 'inherit' });
    }
    const top = join(dir, readdirSync(dir)[0]);
    const read = (p) => readFileSync(join(top, p), 'utf8');
    // ---- entries: number → entry function, per ABI
    const entries = { x86_64: new Map(), x32: new Map(), i386: new Map(), arm: new Map(), aarch64: new Map(), riscv64: new Map() };
    for (const [nr, abi, , entry, compat] of tableRows(read('arch/x86/entry/syscalls/syscall_64.tbl'))) {
      if (!entry) continue;
      if (abi === 'common' || abi === '64') entries.x86_64.set(Number(nr), entry);
      if (abi === 'common' || abi === 'x32') entries.x32.set(0x40000000 + Number(nr), abi === 'x32' ? (compat ?? entry) : entry);
    }
    for (const [nr, , , entry, compat] of tableRows(read('arch/x86/entry/syscalls/syscall_32.tbl'))) {
      if (entry) entries.i386.set(Number(nr), compat ?? entry);
    }
    const unistd32 = read('arch/arm64/include/asm/unistd32.h');
    const armNr = new Map([...unistd32.matchAll(/^#define __NR_(\w+) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
    for (const m of unistd32.matchAll(/^__SYSCALL\(__NR_(\w+), (\w+)\)$/gm)) if (armNr.has(m[1])) entries.arm.set(armNr.get(m[1]), m[2]);
    const generic = read('include/uapi/asm-generic/unistd.h');
    const genNr = new Map([...generic.matchAll(/^#define __NR(?:3264)?_(\w+) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
    for (const m of generic.matchAll(/^(__SYSCALL|__SC_COMP|__SC_3264|__SC_COMP_3264)\(__NR(?:3264)?_(\w+), ([^)]*)\)$/gm)) {
      const fns = m[3].replace(/\\\n/g, ' ').split(',').map((s) => s.trim());
      // 64-bit ABIs enter the native 64-bit function: `_64` of __SC_3264(_32, _64) and
      // __SC_COMP_3264(_32, _64, _comp); `_sys` of __SC_COMP(_sys, _comp).
      const fn = m[1] === '__SC_3264' || m[1] === '__SC_COMP_3264' ? fns[1] : fns[0];
      const nr = genNr.get(m[2]);
      if (nr !== undefined) { entries.aarch64.set(nr, fn); entries.riscv64.set(nr, fn); }
    }
    // ---- definitions: generic code plus each ABI's arch tree
    const shared = new Map();
    const perArch = { x86: new Map(), arm64: new Map(), riscv: new Map() };
    for (const file of walk(top)) {
      const rel = file.slice(top.length + 1);
      const arch = /^arch\/(\w+)\//.exec(rel)?.[1];
      const into = arch === undefined ? shared : perArch[arch];
      if (!into) continue;
      const text = readFileSync(file, 'utf8');
      if (!text.includes('SYSCALL_DEFINE')) continue;
      for (const d of definitions(text)) {
        if (!into.has(d.fn)) into.set(d.fn, []);
        into.get(d.fn).push({ ...d, file: rel });
      }
    }
    const defs = {};
    for (const abi of Object.keys(entries)) defs[abi] = new Map([...shared, ...perArch[ARCH_DIR[abi]]]);
    // ---- CONFIG_CLONE_BACKWARDS, from each architecture's Kconfig
    const cloneBackwards = new Set();
    const selects = (arch, cond) => {
      const t = read(`arch/${arch}/Kconfig`);
      return new RegExp(`^\\s+select CLONE_BACKWARDS${cond}\\s*$`, 'm').test(t);
    };
    if (selects('x86', ' if X86_32')) cloneBackwards.add('i386-native');
    if (selects('arm64', '')) { cloneBackwards.add('aarch64'); cloneBackwards.add('arm'); }
    if (selects('riscv', '')) cloneBackwards.add('riscv64');
    const makefile = existsSync(join(top, 'Makefile')) ? read('Makefile') : '';
    const v = ['VERSION', 'PATCHLEVEL', 'SUBLEVEL'].map((k) => new RegExp(`^${k} = (\\d+)`, 'm').exec(makefile)?.[1]).filter(Boolean).join('.');
    return { entries, defs, cloneBackwards, version: v };
  } finally {
    if (!unpacked) rmSync(dir, { recursive: true, force: true });
  }
}

const LO = /^(\w*?)_?(lo|low|0)$/;
const HI = /^(\w*?)_?(hi|high|1)$/;
const PAD = /^_*pad\d*$/;

/**
 * The registers of each parameter of `sig` (kernel names `knames`, kernel
 * types) when the kernel enters `def` on `abi`: a number, [lo, hi], or null.
 * Parameters are matched by name first, then in order; a 64-bit parameter
 * on a 32-bit ABI takes the next lo/hi pair of 32-bit parameters.
 */
export function deriveLayout(sig, def, abi) {
  const reg32 = abi === 'i386' || abi === 'arm';
  const e = [];
  let r = 0;
  for (const p of def.params) {
    // A native 64-bit type on a 32-bit ABI: two registers (arm EABI: an even pair).
    if (reg32 && isWide64(p.type)) {
      if (abi === 'arm' && r % 2) r++;
      e.push({ name: `${p.name}_lo`, reg: r++, used: false, type: 'u32' }, { name: `${p.name}_hi`, reg: r++, used: false, type: 'u32' });
    } else e.push({ name: p.name, reg: r++, used: false, type: p.type, pad: PAD.test(p.name) });
  }
  const n = sig.args.length;
  // One pointer to a block that holds all the arguments (i386's old mmap and select).
  if (def.params.length === 1 && n > 1 && /^struct \w+ \*$/.test(def.params[0].type)) return sig.args.map(() => null);
  const places = new Array(n).fill(undefined);
  // 1. by name
  sig.args.forEach((a, i) => {
    if (reg32 && isWide64(a.type)) return;
    const hit = e.find((x) => !x.used && !x.pad && a.names.includes(x.name));
    if (hit) { hit.used = true; places[i] = hit.reg; }
  });
  // 2. in order: a lo/hi pair for a 64-bit value on a 32-bit ABI, else the next free register
  sig.args.forEach((a, i) => {
    if (places[i] !== undefined) return;
    if (reg32 && isWide64(a.type)) {
      const k = e.findIndex((x, j) => !x.used && !x.pad && e[j + 1] && !e[j + 1].used && LO.test(x.name) && HI.test(e[j + 1].name) &&
        LO.exec(x.name)[1] === HI.exec(e[j + 1].name)[1]);
      if (k >= 0) { e[k].used = e[k + 1].used = true; places[i] = [e[k].reg, e[k + 1].reg]; return; }
    }
    const hit = e.find((x) => !x.used && !x.pad);
    if (hit) { hit.used = true; places[i] = hit.reg; } else places[i] = null;
  });
  return places;
}

/** The definition `fn` names on `abi`; clone's is picked by CONFIG_CLONE_BACKWARDS. */
export function definitionFor(src, abi, fn) {
  const list = src.defs[abi].get(fn);
  if (!list || list.length === 0) return undefined;
  if (fn === 'sys_clone') {
    const backwards = src.cloneBackwards.has(abi);
    return list.find((d) => d.cond.some((c) => (backwards ? /^(if|ifdef)\b.*CONFIG_CLONE_BACKWARDS\b(?!\d)/.test(c) : /^else\b/.test(c))));
  }
  // Variants under #ifdef that differ in their parameters cannot be told apart here.
  const shapes = new Set(list.map((d) => d.params.map((p) => `${p.type} ${p.name}`).join(',')));
  return shapes.size === 1 ? list[0] : undefined;
}
