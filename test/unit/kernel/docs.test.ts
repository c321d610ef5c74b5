import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SYSCALL_DOCS } from '../../../server/src/kernel/docs/syscall-docs';
import { BUILTIN_GROUPS } from '../../../server/src/kernel/docs/groups';
import { ACTION_DOCS } from '../../../server/src/kernel/docs/actions';
import { allGroups, expandGroup, getGroup, groupsContaining } from '../../../server/src/kernel/groups';
import { actionConstantName, actionValue, type ActionName } from '../../../server/src/kernel/seccomp';

/** Every `__NR_*` name of the supported ABIs' UAPI headers (generated fact list). */
const UNION: readonly string[] = (
  JSON.parse(readFileSync(new URL('./fixtures/uapi-syscall-names.json', import.meta.url), 'utf8')) as {
    names: string[];
  }
).names;

const GROUP_NAME = /^@[a-z0-9][a-z0-9_-]*$/;

test('the union fixture looks sane', () => {
  assert.ok(UNION.length >= 450 && UNION.length <= 520, `union has ${UNION.length} names`);
  for (const n of ['read', 'openat', 'socketcall', '_llseek', 'clone3', 'riscv_hwprobe', 'mseal']) {
    assert.ok(UNION.includes(n), n);
  }
});

test('every syscall name in the headers has a summary', () => {
  const missing = UNION.filter((n) => !SYSCALL_DOCS[n] || SYSCALL_DOCS[n]!.summary.trim() === '');
  assert.deepEqual(missing, []);
});

test('docs exist only for real syscall names', () => {
  const extra = Object.keys(SYSCALL_DOCS).filter((n) => !UNION.includes(n));
  assert.deepEqual(extra, []);
});

test('summaries are single lines of at most 120 characters; notes are non-empty', () => {
  for (const [name, doc] of Object.entries(SYSCALL_DOCS)) {
    assert.ok(doc.summary.length <= 120, `${name}: summary is ${doc.summary.length} chars`);
    assert.ok(!/[\r\n]/.test(doc.summary), `${name}: summary spans lines`);
    assert.equal(doc.summary, doc.summary.trim(), `${name}: summary has outer whitespace`);
    if (doc.note !== undefined) assert.ok(doc.note.trim().length > 0, `${name}: empty note`);
  }
});

test('the syscalls that matter to sandbox authors have notes', () => {
  const mustHaveNote = [
    'open', 'openat', 'openat2', 'execve', 'execveat', 'clone', 'clone3', 'faccessat2', 'fchmodat2',
    'socketcall', 'ipc', 'exit', 'exit_group', 'rt_sigreturn', 'sigreturn', 'ptrace', 'ioctl', 'prctl',
    'seccomp', 'bpf', 'userfaultfd', 'perf_event_open', 'kexec_load', 'kexec_file_load', 'init_module',
    'finit_module', 'delete_module', 'mount', 'umount2', 'pivot_root', 'move_mount', 'fsopen', 'unshare',
    'setns', 'keyctl', 'add_key', 'request_key', 'personality', 'mmap', 'mprotect', 'kill', 'tgkill',
    'socket', 'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'process_vm_readv',
    'process_vm_writev', 'memfd_create', 'name_to_handle_at', 'open_by_handle_at', 'chroot', 'reboot',
    'swapon', 'swapoff', 'settimeofday', 'clock_settime', 'adjtimex', 'acct', 'quotactl',
    'lookup_dcookie', 'vm86', 'vm86old', 'iopl', 'ioperm', 'modify_ldt', 'uselib', 'nfsservctl',
    'restart_syscall', 'futex', 'getrandom', 'rseq', 'set_robust_list', 'arch_prctl', 'vfork', 'fork',
    'wait4', 'pidfd_open', 'pidfd_getfd', 'pidfd_send_signal', 'landlock_create_ruleset', 'mseal',
    'listmount', 'statmount', 'close_range', 'time', 'gettimeofday', 'clock_gettime',
  ];
  const without = mustHaveNote.filter((n) => !SYSCALL_DOCS[n]?.note);
  assert.deepEqual(without, []);
  // The key facts are stated where a reader looks for them.
  assert.match(SYSCALL_DOCS['clone3']!.note!, /ENOSYS/);
  assert.match(SYSCALL_DOCS['openat2']!.note!, /ENOSYS/);
  assert.match(SYSCALL_DOCS['faccessat2']!.note!, /ENOSYS/);
  assert.match(SYSCALL_DOCS['clone']!.note!, /CLONE_BACKWARDS/);
  assert.match(SYSCALL_DOCS['ioctl']!.note!, /TIOCSTI/);
  assert.match(SYSCALL_DOCS['ptrace']!.note!, /4\.8/);
});

test('obsolete calls are flagged', () => {
  for (const n of ['uselib', 'sysfs', 'ustat', '_sysctl', 'oldstat', 'create_module', 'get_kernel_syms',
    'query_module', 'nfsservctl', 'getpmsg', 'afs_syscall', 'tuxcall', 'security', 'vserver',
    'remap_file_pages', 'bdflush', 'idle']) {
    assert.equal(SYSCALL_DOCS[n]?.obsolete, true, n);
  }
  for (const n of ['socketcall', 'ipc', 'read', 'open', 'time', 'waitpid']) {
    assert.notEqual(SYSCALL_DOCS[n]?.obsolete, true, n);
  }
});

test('group names are valid and unique; the required groups exist', () => {
  const names = BUILTIN_GROUPS.map((g) => g.name);
  assert.equal(new Set(names).size, names.length);
  for (const n of names) assert.match(n, GROUP_NAME);
  for (const n of ['@aio', '@basic-io', '@chown', '@clock', '@cpu-emulation', '@debug', '@file-system',
    '@io-event', '@ipc', '@keyring', '@memlock', '@memory', '@module', '@mount', '@network-io',
    '@obsolete', '@pkey', '@privileged', '@process', '@raw-io', '@reboot', '@resources', '@sandbox',
    '@setuid', '@signal', '@swap', '@sync', '@system-service', '@timer', '@known']) {
    assert.ok(getGroup(n), `missing ${n}`);
  }
  assert.equal(allGroups(), BUILTIN_GROUPS);
  for (const g of BUILTIN_GROUPS) {
    assert.ok(g.description.length > 0 && !/\n/.test(g.description), `${g.name}: description`);
    assert.ok(g.members.length > 0, `${g.name}: empty`);
  }
});

test('every group member is a known syscall or a built-in group', () => {
  for (const g of BUILTIN_GROUPS) {
    for (const m of g.members) {
      if (m.startsWith('@')) assert.ok(getGroup(m), `${g.name}: unknown group ${m}`);
      else assert.ok(SYSCALL_DOCS[m], `${g.name}: unknown syscall ${m}`);
    }
    assert.equal(new Set(g.members).size, g.members.length, `${g.name}: duplicate members`);
  }
});

test('groups have no cycles', () => {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    const s = state.get(name);
    if (s === 'done') return;
    assert.notEqual(s, 'visiting', `cycle: ${[...path, name].join(' -> ')}`);
    state.set(name, 'visiting');
    for (const m of getGroup(name)!.members) if (m.startsWith('@')) visit(m, [...path, name]);
    state.set(name, 'done');
  };
  for (const g of BUILTIN_GROUPS) visit(g.name, []);
});

test('expandGroup flattens, deduplicates and sorts', () => {
  for (const g of BUILTIN_GROUPS) {
    const e = expandGroup(g.name);
    assert.ok(e.length > 0, g.name);
    assert.ok(e.every((n) => !n.startsWith('@')), `${g.name} expansion has a group`);
    assert.deepEqual([...e], [...new Set(e)].sort(), `${g.name} not sorted/unique`);
  }
  const priv = expandGroup('@privileged');
  for (const n of ['mount', 'reboot', 'kexec_load', 'setuid', 'iopl', 'swapon', 'chown', 'init_module']) {
    assert.ok(priv.includes(n), `@privileged lacks ${n}`);
  }
  const svc = expandGroup('@system-service');
  for (const n of ['read', 'openat', 'socket', 'clone', 'execve', 'exit_group', 'rt_sigreturn', 'futex',
    'restart_syscall', 'epoll_wait', 'ioctl', 'setresuid']) {
    assert.ok(svc.includes(n), `@system-service lacks ${n}`);
  }
  for (const n of ['io_uring_setup', 'io_uring_enter', 'mount', 'ptrace', 'bpf', 'kexec_load', 'reboot',
    'init_module', 'keyctl', 'uselib']) {
    assert.ok(!svc.includes(n), `@system-service should not contain ${n}`);
  }
  assert.deepEqual(expandGroup('@nope'), []);
  assert.equal(expandGroup('@memory'), expandGroup('@memory'), 'cached');
});

test('@known is every syscall and @obsolete every obsolete one', () => {
  assert.deepEqual([...expandGroup('@known')], [...UNION].sort());
  const obsolete = Object.keys(SYSCALL_DOCS).filter((n) => SYSCALL_DOCS[n]!.obsolete).sort();
  assert.deepEqual([...expandGroup('@obsolete')], obsolete);
});

test('groupsContaining reports every group whose expansion has the syscall', () => {
  const g = groupsContaining('mount');
  assert.ok(g.includes('@mount') && g.includes('@privileged') && g.includes('@known'));
  assert.ok(!g.includes('@system-service'));
  assert.deepEqual([...g], [...g].sort());
  assert.ok(groupsContaining('read').includes('@basic-io'));
  assert.deepEqual(groupsContaining('no_such_call'), []);
  for (const n of UNION) assert.ok(groupsContaining(n).includes('@known'), n);
});

test('every action has docs naming the kernel return value', () => {
  const actions: ActionName[] = ['allow', 'log', 'errno', 'trap', 'trace', 'notify', 'kill_thread',
    'kill_process', 'kill'];
  for (const a of actions) {
    const d = ACTION_DOCS[a];
    assert.ok(d.summary.length > 0 && d.summary.length <= 120 && !/\n/.test(d.summary), a);
    assert.ok(d.detail.length > 40, a);
    const value = `0x${actionValue(a).toString(16).padStart(8, '0')}`;
    assert.ok(d.detail.includes(`\`${actionConstantName(a)}\` (${value}, Linux `), a);
  }
  assert.match(ACTION_DOCS.allow.detail, /^`SECCOMP_RET_ALLOW` \(0x7fff0000, Linux 3\.5\)/);
  assert.match(ACTION_DOCS.notify.detail, /^`SECCOMP_RET_USER_NOTIF` \(0x7fc00000, Linux 5\.0\)/);
  assert.match(ACTION_DOCS.errno.detail, /clamped to 4095/);
  assert.match(ACTION_DOCS.kill.detail, /most severe result wins \(kill_process > kill_thread > trap > …\)/);
  assert.match(ACTION_DOCS.trace.detail, /ENOSYS/);
  assert.match(ACTION_DOCS.notify.detail, /NEW_LISTENER/);
  assert.match(ACTION_DOCS.trap.detail, /si_errno/);
});

