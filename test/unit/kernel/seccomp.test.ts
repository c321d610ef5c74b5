import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import {
  ACTION_PRECEDENCE, MAX_ERRNO, SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ALLOW, SECCOMP_RET_DATA, SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_LOG, SECCOMP_RET_TRACE, SECCOMP_RET_TRAP,
  SECCOMP_RET_USER_NOTIF, X32_SYSCALL_BIT, abiOfArch, abiRegions, abiOfEvent, actionConstantName, actionKindOf, actionOf, actionText,
  actionValue, auditArchName, formatAction, retConstantName, retValue, type ActionKind,
} from '../../../server/src/kernel/seccomp';

/** The values of include/uapi/linux/seccomp.h, written down from the header. */
const UAPI: Readonly<Record<string, number>> = {
  SECCOMP_RET_KILL_PROCESS: 0x80000000,
  SECCOMP_RET_KILL_THREAD: 0x00000000,
  SECCOMP_RET_TRAP: 0x00030000,
  SECCOMP_RET_ERRNO: 0x00050000,
  SECCOMP_RET_USER_NOTIF: 0x7fc00000,
  SECCOMP_RET_TRACE: 0x7ff00000,
  SECCOMP_RET_LOG: 0x7ffc0000,
  SECCOMP_RET_ALLOW: 0x7fff0000,
  SECCOMP_RET_ACTION_FULL: 0xffff0000,
  SECCOMP_RET_DATA: 0x0000ffff,
};

const OURS: Readonly<Record<string, number>> = {
  SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP, SECCOMP_RET_ERRNO, SECCOMP_RET_USER_NOTIF,
  SECCOMP_RET_TRACE, SECCOMP_RET_LOG, SECCOMP_RET_ALLOW, SECCOMP_RET_ACTION_FULL, SECCOMP_RET_DATA,
};

const KINDS: readonly ActionKind[] = ['allow', 'log', 'errno', 'trap', 'trace', 'notify', 'kill_thread', 'kill_process'];

test('return values and masks are the UAPI header values', () => {
  assert.deepEqual(OURS, UAPI);
  assert.equal(MAX_ERRNO, 4095);
  assert.equal(X32_SYSCALL_BIT, 0x40000000);
});

test('return values match /usr/include/linux/seccomp.h when it is installed', (t) => {
  const header = '/usr/include/linux/seccomp.h';
  if (!existsSync(header)) { t.skip(`${header} is not installed`); return; }
  const text = readFileSync(header, 'utf8');
  for (const [name, value] of Object.entries(UAPI)) {
    const m = new RegExp(`^#define\\s+${name}\\s+(0x[0-9a-fA-F]+)U?\\b`, 'm').exec(text);
    assert.ok(m, `${name} is not defined as a number in ${header}`);
    assert.equal(Number(m[1]), value, name);
  }
});

test('each action maps to its constant and back', () => {
  const names: Record<ActionKind, string> = {
    allow: 'SECCOMP_RET_ALLOW', log: 'SECCOMP_RET_LOG', errno: 'SECCOMP_RET_ERRNO', trap: 'SECCOMP_RET_TRAP',
    trace: 'SECCOMP_RET_TRACE', notify: 'SECCOMP_RET_USER_NOTIF', kill_thread: 'SECCOMP_RET_KILL_THREAD',
    kill_process: 'SECCOMP_RET_KILL_PROCESS',
  };
  for (const kind of KINDS) {
    assert.equal(actionConstantName(kind), names[kind], kind);
    assert.equal(actionValue(kind), UAPI[names[kind]], kind);
    assert.equal(retConstantName(actionValue(kind) | 7), names[kind], kind);
  }
  assert.equal(actionValue('kill'), SECCOMP_RET_KILL_PROCESS);
  assert.equal(retConstantName(0x12340000), undefined);
});

test('retValue puts the operand in the data bits of errno, trap and trace only', () => {
  assert.equal(retValue({ kind: 'errno', data: 1 }), 0x00050001);
  assert.equal(retValue({ kind: 'errno', data: 0x12345 }), 0x00052345);
  assert.equal(retValue({ kind: 'trap', data: 7 }), 0x00030007);
  assert.equal(retValue({ kind: 'trace', data: 0xffff }), 0x7ff0ffff);
  assert.equal(retValue({ kind: 'allow', data: 5 }), 0x7fff0000);
  assert.equal(retValue({ kind: 'kill_process', data: 0 }), 0x80000000);
});

test('precedence is the kernel order: lowest value as a signed 32-bit number wins', () => {
  assert.deepEqual(ACTION_PRECEDENCE, ['kill_process', 'kill_thread', 'trap', 'errno', 'notify', 'trace', 'log', 'allow']);
  const signed = ACTION_PRECEDENCE.map((a) => actionValue(a) | 0);
  assert.deepEqual(signed, [...signed].sort((x, y) => x - y));
  assert.deepEqual([...ACTION_PRECEDENCE].sort(), [...KINDS].sort());
});

test('actionOf reads a return value as __seccomp_filter does', () => {
  assert.deepEqual(actionOf(0x7fff0000), { action: 'allow', data: 0, effective: 'allow' });
  assert.deepEqual(actionOf(0x00050001), { action: 'errno', data: 1, effective: 'errno' });
  assert.deepEqual(actionOf(0x7fc00000), { action: 'user_notif', data: 0, effective: 'user_notif' });
  assert.deepEqual(actionOf(0x80000003), { action: 'kill_process', data: 3, effective: 'kill_process' });
  assert.deepEqual(actionOf(0x12340005), { action: 'unknown', data: 5, effective: 'kill_process' });
  for (const kind of KINDS) {
    const { effective } = actionOf(actionValue(kind));
    assert.equal(actionKindOf(effective), kind, kind);
  }
});

test('the two spellings of a return value: the kernel\'s and the language\'s', () => {
  assert.equal(formatAction(0x7fc00000), 'user_notif');
  assert.equal(formatAction(0x00030000), 'trap(0)');
  assert.equal(formatAction(0x0005ffff), 'errno(4095)');
  assert.equal(formatAction(0x12340000), 'unknown(0x12340000) → kill_process');
  assert.equal(actionText(0x7fc00000, undefined), 'notify');
  assert.equal(actionText(0x00030000, undefined), 'trap');
  assert.equal(actionText(0x00030005, undefined), 'trap(5)');
  assert.equal(actionText(0x7ff00000, undefined), 'trace(0)');
  assert.equal(actionText(0x00050001, 'x86_64'), 'errno(EPERM)');
  assert.equal(actionText(0x00050001, undefined), 'errno(1)');
  assert.equal(actionText(0x00000000, undefined), 'kill_thread');
  assert.equal(actionText(0x12340000, undefined), 'unknown(0x12340000)');
});

test('the ABI of a call: x86_64\'s audit arch with the x32 bit is x32', () => {
  assert.equal(abiOfEvent(0xc000003e, 39), 'x86_64');
  assert.equal(abiOfEvent(0xc000003e, X32_SYSCALL_BIT | 39), 'x32');
  assert.equal(abiOfEvent(0x40000003, X32_SYSCALL_BIT | 20), 'i386');
  assert.equal(abiOfEvent(0xc00000b7, 172), 'aarch64');
  assert.equal(abiOfEvent(0x12345678, 1), undefined);
  assert.equal(abiOfArch(0xc000003e), 'x86_64');
  assert.equal(abiOfArch(0x40000028), 'arm');
  assert.equal(abiOfArch(0), undefined);
});

test('abiRegions covers every number once and agrees with abiOfEvent', () => {
  assert.deepEqual(abiRegions(0xc000003e), [
    { first: 0, last: 0x3fffffff, abi: 'x86_64' },
    { first: 0x40000000, last: 0x7fffffff, abi: 'x32' },
    { first: 0x80000000, last: 0xbfffffff, abi: 'x86_64' },
    { first: 0xc0000000, last: 0xffffffff, abi: 'x32' },
  ]);
  assert.deepEqual(abiRegions(0xc00000b7), [{ first: 0, last: 0xffffffff, abi: 'aarch64' }]);
  assert.deepEqual(abiRegions(0x1234), []);
  for (const arch of [0xc000003e, 0x40000003, 0xc00000b7, 0x40000028, 0xc00000f3]) {
    const runs = abiRegions(arch);
    assert.equal(runs[0]!.first, 0);
    assert.equal(runs[runs.length - 1]!.last, 0xffffffff);
    for (let i = 1; i < runs.length; i++) assert.equal(runs[i]!.first, runs[i - 1]!.last + 1);
    for (const r of runs) for (const nr of [r.first, r.last, r.first + 39]) assert.equal(abiOfEvent(arch, nr), r.abi, `0x${nr.toString(16)}`);
  }
});

test('audit arch names are those of include/uapi/linux/audit.h', () => {
  assert.equal(auditArchName(0xc000003e), 'AUDIT_ARCH_X86_64');
  assert.equal(auditArchName(0x40000003), 'AUDIT_ARCH_I386');
  assert.equal(auditArchName(0xc00000b7), 'AUDIT_ARCH_AARCH64');
  assert.equal(auditArchName(0x40000028), 'AUDIT_ARCH_ARM');
  assert.equal(auditArchName(0xc00000f3), 'AUDIT_ARCH_RISCV64');
  assert.equal(auditArchName(0x1234), undefined);
});
