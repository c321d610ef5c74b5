import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, tempFiles } from '../../helpers/cli';

const MISTAKES = `# four mistakes
arch x86_64
allow read, write, opneat
allow mmap if prot & PROT_EXECUTE
allow socket if domain == 0x100000000
`;

test('check prints exactly the four mistakes, gcc style, and exits 1', async () => {
  const dir = tempFiles({ 'm.seccomp': MISTAKES });
  const file = join(dir, 'm.seccomp');
  const r = await runCli(['check', file]);
  assert.equal(r.code, 1);
  assert.deepEqual(r.out.split('\n'), [
    `${file}:1:1: error: the policy has no \`default\` action; add e.g. \`default kill_process\` or \`default errno(EPERM)\` [missing-default]`,
    `${file}:3:20: error: unknown syscall \`opneat\`; did you mean \`openat\`? [unknown-syscall]`,
    `${file}:4:22: error: unknown constant \`PROT_EXECUTE\`; did you mean \`PROT_EXEC\`? [unknown-constant]`,
    `${file}:5:27: error: 0x100000000 does not fit in 32 bits: \`domain\` is an \`int\`, compared on its low 32 bits [constant-out-of-range]`,
  ]);
});

test('check --json gives 1-based ranges, severities and codes', async () => {
  const dir = tempFiles({ 'm.seccomp': MISTAKES });
  const r = await runCli(['check', '--json', join(dir, 'm.seccomp')]);
  const items = JSON.parse(r.out) as { line: number; column: number; endLine: number; endColumn: number; severity: string; code: string }[];
  assert.equal(r.code, 1);
  const opneat = items.find((i) => i.code === 'unknown-syscall')!;
  assert.deepEqual([opneat.line, opneat.column, opneat.endLine, opneat.endColumn, opneat.severity], [3, 20, 3, 26, 'error']);
});

test('a clean policy exits 0; warnings alone do not fail', async () => {
  const dir = tempFiles({ 'ok.seccomp': 'default errno(EPERM)\nallow read, write, execve\nallow read if fd >= 0\n' });
  const r = await runCli(['check', join(dir, 'ok.seccomp')]);
  assert.equal(r.code, 0);
  assert.match(r.out, /warning: .*\[(constant-condition|unreachable-rule)\]/);
});

test('includes are reported in the included file', async () => {
  const dir = tempFiles({ 'root.seccomp': 'default kill\nallow execve\ninclude "sub/x.seccomp"\n', 'sub/x.seccomp': 'allow reed\n' });
  const r = await runCli(['check', join(dir, 'root.seccomp')]);
  assert.equal(r.code, 1);
  assert.match(r.out, new RegExp(`^${join(dir, 'sub/x.seccomp')}:1:7: error: unknown syscall \`reed\``));
});

test('unreadable files get one line and exit 1; usage errors exit 2', async () => {
  const missing = await runCli(['check', '/nonexistent/p.seccomp']);
  assert.equal(missing.code, 1);
  assert.equal(missing.err, 'seccomp-policy: error: cannot read /nonexistent/p.seccomp: no such file or directory');
  const dir = tempFiles({});
  const asDir = await runCli(['check', dir]);
  assert.match(asDir.err, /is a directory/);
  const dev = await runCli(['check', '/dev/zero']);
  assert.match(dev.err, /not a regular file/);
  assert.equal((await runCli(['check'])).code, 2);
  assert.equal((await runCli(['check', '--bogus', 'x'])).code, 2);
  assert.equal((await runCli(['frobnicate'])).code, 2);
  const json = await runCli(['check', '--json', '/nonexistent/p.seccomp']);
  assert.equal(JSON.parse(json.out)[0].code, 'unreadable-file');
});

test('compile refuses raw output to a terminal, writes every format, and refuses broken policies', async () => {
  const dir = tempFiles({ 'p.seccomp': 'default errno(EPERM)\nallow read, write, execve\nallow openat if flags & O_ACCMODE == O_RDONLY\n', 'bad.seccomp': 'allow reed\n' });
  const p = join(dir, 'p.seccomp');
  const tty = await runCli(['compile', p], { isTty: true });
  assert.equal(tty.code, 2);
  assert.match(tty.err, /refusing to write binary BPF to a terminal/);
  const raw = await runCli(['compile', p]);
  assert.equal(raw.code, 0);
  const bytes = raw.bytes[0]!;
  assert.equal(bytes.length % 8, 0);
  const c = await runCli(['compile', p, '--format', 'c']);
  assert.match(c.out, /static const struct sock_filter p_filter\[\] = \{/);
  assert.match(c.out, /BPF_STMT\(BPF_LD \| BPF_W \| BPF_ABS, 0x4\)/);
  assert.match(c.out, /static const struct sock_fprog p_filter_prog = \{/);
  const dis = await runCli(['compile', p, '--format', 'disasm']);
  assert.match(dis.out, /ld \[4\]/);
  assert.match(dis.out, /p\.seccomp:3/);
  const json = JSON.parse((await runCli(['compile', p, '--format', 'json'])).out);
  assert.equal(json.instructions.length, bytes.length / 8);
  assert.ok(json.stats.perAbi[0].allowed.mean > 0);
  const bad = await runCli(['compile', join(dir, 'bad.seccomp'), '-o', join(dir, 'out.bpf')]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /unknown syscall `reed`/);
  assert.match(bad.err, /nothing was compiled/);
  assert.equal((await runCli(['compile', p, '--format', 'nope'])).code, 2);
  assert.equal((await runCli(['compile', p, '--arch', 'aarch64'])).code, 2);
});

test('simulate names the action and the deciding line', async () => {
  const dir = tempFiles({ 'p.seccomp': 'default errno(EPERM)\nallow read, write, execve\nallow openat if flags & O_ACCMODE == O_RDONLY\n' });
  const p = join(dir, 'p.seccomp');
  const read = await runCli(['simulate', p, '--syscall', 'read']);
  assert.equal(read.out, `read on x86_64: allow by rule at ${p}:2 (allow read, write, execve)`);
  const wr = await runCli(['simulate', p, '--syscall', 'openat', '--args', 'AT_FDCWD,0,O_WRONLY|O_CREAT']);
  assert.equal(wr.out, `openat on x86_64: errno(EPERM) by default at ${p}:1`);
  const ro = await runCli(['simulate', p, '--arch', 'x86_64', '--syscall', '257', '--args', '-100,0x1000,0']);
  assert.match(ro.out, /^openat on x86_64: allow by rule at .*:3/);
  const foreign = await runCli(['simulate', p, '--arch', 'aarch64', '--syscall', 'read', '--json']);
  assert.equal(JSON.parse(foreign.out).origin.kind, 'badarch');
  assert.equal((await runCli(['simulate', p, '--syscall', 'nosuch'])).code, 2);
});
