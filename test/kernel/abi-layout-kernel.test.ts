/**
 * Arguments where the kernel puts them, proven in a real kernel: the compiled
 * filter, installed in a real i386 and a real x32 process, decides as the
 * policy says for the calls whose parameters move between ABIs (64-bit values
 * split over two registers, clone's CLONE_BACKWARDS order, x32's preadv2).
 * Each case's expected errno is written out and also checked against the
 * model's own decision (decide).
 *
 * This host's kernel may run neither ABI (a VM guest without IA32 emulation,
 * x32 off), so both runners go to one Debian kernel booted under qemu
 * (test/helpers/qemu.ts); arm (as a compat task) and aarch64 go to one boot
 * of Debian's arm64 kernel. The runner is test/kernel/c/abi-runner.c,
 * compiled with the filter and the cases built in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { abiInfo, type Abi } from '../../server/src/kernel/abi';
import { getSyscall } from '../../server/src/kernel/syscalls';
import { compilePolicy } from '../../server/src/compiler/compile';
import { decide } from '../../server/src/policy/semantics/decide';
import type { Instruction } from '../../server/src/bpf/instructions';
import { modelOf } from '../helpers/compile';
import { machine, skipUnless, type Missing } from '../helpers/machine';
import { runInQemu } from '../helpers/qemu';

const HERE = dirname(fileURLToPath(import.meta.url));
const RUNNER = join(HERE, 'c', 'abi-runner.c');
const DEFAULT_ERRNO = 4000;

interface Case {
  readonly syscall: string;
  /** The six registers as the task passes them. */
  readonly regs: readonly (number | bigint)[];
  /** The errno the policy must answer: a rule's, or the default's. */
  readonly errno: number;
  readonly why: string;
}

interface AbiSuite {
  readonly abi: Abi;
  /** The compiler and its ABI flags (static, with the runner's warnings added). */
  readonly cc: readonly string[];
  readonly rules: readonly string[];
  readonly cases: readonly Case[];
}

const I386: AbiSuite = {
  abi: 'i386',
  cc: ['gcc', '-m32'],
  rules: [
    'errno(101) sync_file_range if flags & 2',
    'errno(102) clone if tls != 0',
    'errno(103) pread64 if offset > 0x7fffffff',
    'errno(104) fadvise64_64 if advice == 4',
    'errno(105) fallocate if len == 0x100000005',
    'errno(106) readahead if count == 77',
    'errno(107) fanotify_mark if mask == 0x100000001 && dirfd == 5',
    'errno(108) truncate64 if length >= 0x200000000',
    'errno(109) lookup_dcookie if len == 9',
    'errno(110) fadvise64 if advice == 3 && len == 8',
    'errno(111) prctl if arg4 == 7',
    'errno(112) ftruncate64 if length == 0x300000004',
  ],
  cases: [
    { syscall: 'sync_file_range', regs: [3, 0, 0, 2, 0, 2], errno: 101, why: 'flags (register 5) has WRITE' },
    { syscall: 'sync_file_range', regs: [3, 0, 0, 2, 0, 0], errno: DEFAULT_ERRNO, why: 'nbytes = 2 is not flags' },
    { syscall: 'clone', regs: [0x11, 0, 0, 0x1234, 0, 0], errno: 102, why: 'tls is register 3 (CLONE_BACKWARDS)' },
    { syscall: 'clone', regs: [0x11, 0, 0, 0, 0x1234, 0], errno: DEFAULT_ERRNO, why: 'register 4 is child_tid' },
    { syscall: 'pread64', regs: [3, 0, 10, 0, 1, 0], errno: 103, why: '4 GiB: low word 0, high word 1' },
    { syscall: 'pread64', regs: [3, 0, 10, 0x80000000, 0, 0], errno: 103, why: '2 GiB' },
    { syscall: 'pread64', regs: [3, 0, 10, 0x1000, 0, 0], errno: DEFAULT_ERRNO, why: '4 KiB' },
    { syscall: 'fadvise64_64', regs: [3, 0, 0, 0, 0, 4], errno: 104, why: 'advice is register 5' },
    { syscall: 'fadvise64_64', regs: [3, 0, 0, 4, 0, 0], errno: DEFAULT_ERRNO, why: 'register 3 is len\'s low word' },
    { syscall: 'fallocate', regs: [3, 0, 0, 0, 5, 1], errno: 105, why: 'len is registers 4 and 5' },
    { syscall: 'fallocate', regs: [3, 0, 0, 0, 5, 0], errno: DEFAULT_ERRNO, why: 'len\'s high word differs' },
    { syscall: 'readahead', regs: [3, 0, 0, 77, 0, 0], errno: 106, why: 'count is register 3' },
    { syscall: 'readahead', regs: [3, 0, 77, 0, 0, 0], errno: DEFAULT_ERRNO, why: 'register 2 is the offset\'s high word' },
    { syscall: 'fanotify_mark', regs: [3, 0, 1, 1, 5, 0], errno: 107, why: 'mask is registers 2 and 3, dirfd 4' },
    { syscall: 'fanotify_mark', regs: [3, 0, 1, 0, 5, 0], errno: DEFAULT_ERRNO, why: 'mask\'s high word is 0' },
    { syscall: 'truncate64', regs: [0, 0, 2, 0, 0, 0], errno: 108, why: 'length 8 GiB' },
    { syscall: 'truncate64', regs: [0, 0xffffffff, 1, 0, 0, 0], errno: DEFAULT_ERRNO, why: 'length just under 8 GiB' },
    { syscall: 'lookup_dcookie', regs: [0, 0, 0, 9, 0, 0], errno: 109, why: 'len is register 3' },
    { syscall: 'lookup_dcookie', regs: [0, 0, 9, 0, 0, 0], errno: DEFAULT_ERRNO, why: 'register 2 is the buffer' },
    { syscall: 'fadvise64', regs: [3, 0, 0, 8, 3, 0], errno: 110, why: 'len is register 3, advice 4' },
    { syscall: 'fadvise64', regs: [3, 0, 8, 3, 0, 0], errno: DEFAULT_ERRNO, why: 'the x86_64 positions' },
    { syscall: 'prctl', regs: [0, 0, 0, 0, 7, 0], errno: 111, why: 'arg4 is register 4' },
    { syscall: 'prctl', regs: [0, 0, 0, 7, 0, 0], errno: DEFAULT_ERRNO, why: 'the man page\'s arg4 is register 3' },
    { syscall: 'ftruncate64', regs: [3, 4, 3, 0, 0, 0], errno: 112, why: 'length is registers 1 and 2' },
  ],
};

const X32: AbiSuite = {
  abi: 'x32',
  cc: ['gcc', '-mx32'],
  rules: [
    'errno(201) preadv2 if flags != 0',
    'errno(202) pwritev2 if flags == 8',
    'errno(203) clone if tls != 0',
    'errno(204) pread64 if offset > 0x7fffffff',
    'errno(205) preadv if pos_l == 0x100000000',
  ],
  cases: [
    { syscall: 'preadv2', regs: [3, 0, 1, 0, 4, 0], errno: 201, why: 'flags is register 4 on x32' },
    { syscall: 'preadv2', regs: [3, 0, 1, 0, 0, 4], errno: DEFAULT_ERRNO, why: 'register 5 is unused on x32' },
    { syscall: 'pwritev2', regs: [3, 0, 1, 0, 8, 0], errno: 202, why: 'flags is register 4 on x32' },
    { syscall: 'pwritev2', regs: [3, 0, 1, 0, 0, 8], errno: DEFAULT_ERRNO, why: 'register 5 is unused on x32' },
    { syscall: 'clone', regs: [0x11, 0, 0, 0, 0x1234, 0], errno: 203, why: 'tls is register 4 on x32 (no CLONE_BACKWARDS)' },
    { syscall: 'clone', regs: [0x11, 0, 0, 0x1234, 0, 0], errno: DEFAULT_ERRNO, why: 'register 3 is child_tid' },
    { syscall: 'pread64', regs: [3, 0, 10, 0x100000000n, 0, 0], errno: 204, why: 'the offset is one 64-bit register' },
    { syscall: 'preadv', regs: [3, 0, 1, 0x100000000n, 0, 0], errno: 205, why: 'pos_l carries the whole offset' },
  ],
};

/** arm EABI, run as a compat task under an arm64 kernel: 64-bit values in even register pairs. */
const ARM: AbiSuite = {
  abi: 'arm',
  cc: ['clang', '--target=arm-linux-gnueabihf', '-marm'],
  rules: [
    'errno(121) pread64 if offset == 0x100000002',
    'errno(122) arm_sync_file_range if nbytes == 0x200000001',
    'errno(123) arm_fadvise64_64 if len == 5',
    'errno(124) fallocate if len == 0x100000000',
    'errno(125) readahead if count == 77',
    'errno(126) truncate64 if length == 0x300000000',
    'errno(127) clone if tls != 0',
    'errno(128) fanotify_mark if mask == 0x100000001 && dirfd == 5',
    'errno(129) ftruncate64 if length == 9',
  ],
  cases: [
    { syscall: 'pread64', regs: [3, 0, 10, 0, 2, 1], errno: 121, why: 'the offset is registers 4 and 5 (register 3 pads)' },
    { syscall: 'pread64', regs: [3, 0, 10, 2, 1, 0], errno: DEFAULT_ERRNO, why: 'the i386 positions' },
    { syscall: 'arm_sync_file_range', regs: [3, 0, 0, 0, 1, 2], errno: 122, why: 'sync_file_range2: nbytes is registers 4 and 5' },
    { syscall: 'arm_sync_file_range', regs: [3, 0, 1, 2, 0, 0], errno: DEFAULT_ERRNO, why: 'registers 2 and 3 are the offset' },
    { syscall: 'arm_fadvise64_64', regs: [3, 0, 0, 0, 5, 0], errno: 123, why: 'len is registers 4 and 5' },
    { syscall: 'arm_fadvise64_64', regs: [3, 0, 0, 5, 0, 0], errno: DEFAULT_ERRNO, why: 'register 3 is the offset\'s high word' },
    { syscall: 'fallocate', regs: [3, 0, 0, 0, 0, 1], errno: 124, why: 'len is registers 4 and 5' },
    { syscall: 'fallocate', regs: [3, 0, 0, 0, 1, 0], errno: DEFAULT_ERRNO, why: 'len is 1' },
    { syscall: 'readahead', regs: [3, 0, 0, 0, 77, 0], errno: 125, why: 'count is register 4 (register 1 pads)' },
    { syscall: 'readahead', regs: [3, 0, 0, 77, 0, 0], errno: DEFAULT_ERRNO, why: 'register 3 is the offset\'s high word' },
    { syscall: 'truncate64', regs: [0, 0, 0, 3, 0, 0], errno: 126, why: 'length is registers 2 and 3' },
    { syscall: 'truncate64', regs: [0, 0, 3, 0, 0, 0], errno: DEFAULT_ERRNO, why: 'length is 3' },
    { syscall: 'clone', regs: [0x11, 0, 0, 0x1234, 0, 0], errno: 127, why: 'tls is register 3 (CLONE_BACKWARDS)' },
    { syscall: 'clone', regs: [0x11, 0, 0, 0, 0x1234, 0], errno: DEFAULT_ERRNO, why: 'register 4 is child_tid' },
    { syscall: 'fanotify_mark', regs: [3, 0, 1, 1, 5, 0], errno: 128, why: 'mask is registers 2 and 3, dirfd 4' },
    { syscall: 'fanotify_mark', regs: [3, 0, 1, 0, 5, 0], errno: DEFAULT_ERRNO, why: 'mask\'s high word is 0' },
    { syscall: 'ftruncate64', regs: [3, 0, 9, 0, 0, 0], errno: 129, why: 'length is registers 2 and 3' },
    { syscall: 'ftruncate64', regs: [3, 9, 0, 0, 0, 0], errno: DEFAULT_ERRNO, why: 'register 1 pads' },
  ],
};

const AARCH64: AbiSuite = {
  abi: 'aarch64',
  cc: ['clang', '--target=aarch64-linux-gnu'],
  rules: ['errno(131) clone if tls != 0', 'errno(132) pread64 if offset == 0x100000002'],
  cases: [
    { syscall: 'clone', regs: [0x11, 0, 0, 0x1234, 0, 0], errno: 131, why: 'tls is register 3 (CLONE_BACKWARDS)' },
    { syscall: 'clone', regs: [0x11, 0, 0, 0, 0x1234, 0], errno: DEFAULT_ERRNO, why: 'register 4 is child_tid' },
    { syscall: 'pread64', regs: [3, 0, 10, 0x100000002n, 0, 0], errno: 132, why: 'the offset is one 64-bit register' },
  ],
};

function cInitializer(insns: readonly Instruction[]): string {
  return insns.map((i) => `{0x${i.code.toString(16)}, ${i.jt}, ${i.jf}, 0x${(i.k >>> 0).toString(16)}}`).join(',\n  ');
}

/** Compiles the suite's policy and a runner with it built in; returns the binary and the decoded expectations. */
function build(s: AbiSuite, dir: string): { exe: string; numbers: number[] } {
  const text = [`arch ${s.abi}`, `default errno(${DEFAULT_ERRNO})`, 'allow write, exit_group', ...s.rules].join('\n') + '\n';
  const { model, errors } = modelOf(text);
  assert.deepEqual(errors, [], text);
  const compiled = compilePolicy(model);
  assert.ok(compiled.ok);
  const nr = (name: string) => {
    const n = getSyscall(name)?.numbers[s.abi];
    assert.ok(n !== undefined, `${name} on ${s.abi}`);
    return n;
  };
  const arch = abiInfo(s.abi).auditArch;
  const numbers: number[] = [];
  for (const c of s.cases) {
    const args = c.regs.map((v) => BigInt(v));
    // The model's decision (§7) says the same as the written-down errno.
    const d = decide(model, { arch, nr: nr(c.syscall), args });
    assert.equal(d.action.kind, 'errno', `${s.abi} ${c.syscall}: ${c.why}`);
    assert.equal(d.action.data, c.errno, `model: ${s.abi} ${c.syscall}(${c.regs.join(', ')}): ${c.why}`);
    numbers.push(nr(c.syscall));
  }
  const sub = join(dir, s.abi);
  mkdirSync(sub, { recursive: true });
  const cases = s.cases.map((c, i) => `{0x${numbers[i]!.toString(16)}, ${c.regs.map((v) => `0x${BigInt(v).toString(16)}ULL`).join(', ')}}`);
  writeFileSync(join(sub, 'cases.h'), [
    `#define WRITE_NR 0x${nr('write').toString(16)}`,
    `#define EXIT_GROUP_NR 0x${nr('exit_group').toString(16)}`,
    `static const struct sock_filter FILTER[] = {\n  ${cInitializer(compiled.program.instructions)}\n};`,
    `static const unsigned long long CASES[][7] = {\n  ${cases.join(',\n  ')}\n};`,
    '',
  ].join('\n'));
  const exe = join(dir, `abi-runner-${s.abi}`);
  const [cc, ...flags] = s.cc;
  const r = spawnSync(cc!, [...flags, '-static', '-O2', '-Wall', '-Wextra', '-Werror', '-I', sub, '-o', exe, RUNNER], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${s.cc.join(' ')}: ${r.stderr}`);
  return { exe, numbers };
}

/** Builds the suites, runs them in one boot of `guest`, and checks every case. */
function runSuites(suites: readonly AbiSuite[], guest: 'x86_64' | 'arm64'): void {
  const dir = mkdtempSync(join(tmpdir(), 'abi-layout-kernel-'));
  const built = suites.map((s) => build(s, dir));
  const run = runInQemu(built.map((b) => b.exe), { arch: guest });
  assert.equal(run.status, 0, `qemu run failed (status ${run.status}):\n${run.stderr.slice(-2000)}\n${[...run.output.values()].join('\n')}`);
  suites.forEach((s, k) => {
    const name = `abi-runner-${s.abi}`;
    const out = run.output.get(name) ?? '';
    assert.match(out, new RegExp(`^done ${s.cases.length}$`, 'm'), `${name} output:\n${out}`);
    const rets = new Map([...out.matchAll(/^case (\d+) (-?\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]));
    s.cases.forEach((c, i) => {
      assert.equal(rets.get(i), -c.errno, `${s.abi} ${c.syscall}(${c.regs.map((v) => '0x' + BigInt(v).toString(16)).join(', ')}) [nr ${built[k]!.numbers[i]}]: ${c.why}`);
    });
  });
}

/** clang builds static programs for `target` (Debian's cross sysroots; see the qemu-kernel README). */
function clangFor(target: string): Missing | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'abi-clang-'));
  writeFileSync(join(dir, 'p.c'), 'int main(void) { return 0; }\n');
  const r = spawnSync('clang', [`--target=${target}`, '-static', '-o', join(dir, 'p'), join(dir, 'p.c')], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return { kind: 'tool', reason: `clang --target=${target} -static cannot build programs: ${(r.stderr ?? String(r.error)).trim().split('\n')[0]}` };
  return undefined;
}

test('i386 and x32: moved and split arguments decide in a real kernel as the policy says', (t) => {
  if (skipUnless(t, machine.linuxX64(), machine.gccM32(), machine.gccMx32(), machine.qemu())) return;
  runSuites([I386, X32], 'x86_64');
});

test('arm (compat under arm64) and aarch64: even register pairs, sync_file_range2, arm_fadvise64_64 and CLONE_BACKWARDS in a real kernel', (t) => {
  if (skipUnless(t, machine.linuxX64(), clangFor('arm-linux-gnueabihf'), clangFor('aarch64-linux-gnu'), machine.qemu('arm64'))) return;
  runSuites([ARM, AARCH64], 'arm64');
});
