import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../server/src/cli/main';
import type { Io } from '../../../server/src/cli/io';

interface Run { code: number; out: string; err: string; bytes: string }

async function run(argv: string[], withBytes = false): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const bytes: Uint8Array[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), ...(withBytes ? { writeBytes: (b: Uint8Array) => bytes.push(b) } : {}) };
  const code = await main(['fmt', ...argv], io);
  return { code, out: out.join('\n'), err: err.join('\n'), bytes: Buffer.concat(bytes).toString('utf8') };
}

const UGLY = 'default   kill_process\nallow read ,write # io\n\n\n\nallow openat if flags&O_ACCMODE==O_RDONLY\n';
const PRETTY = 'default kill_process\nallow read, write  # io\n\nallow openat if flags & O_ACCMODE == O_RDONLY\n';

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'seccomp-fmt-'));
}

test('fmt FILE prints the formatted text and leaves the file alone', async () => {
  const d = dir();
  const f = join(d, 'a.seccomp');
  writeFileSync(f, UGLY);
  const r = await run([f]);
  assert.equal(r.code, 0);
  assert.equal(r.out + '\n', PRETTY);
  assert.equal(r.err, '');
  assert.equal(readFileSync(f, 'utf8'), UGLY);
  const exact = await run([f], true);
  assert.equal(exact.bytes, PRETTY, 'binary stdout gets the exact text');
  assert.equal(exact.out, '');
  rmSync(d, { recursive: true });
});

test('fmt prints one file only without --write or --check', async () => {
  const d = dir();
  writeFileSync(join(d, 'a.seccomp'), PRETTY);
  writeFileSync(join(d, 'b.seccomp'), PRETTY);
  const r = await run([join(d, 'a.seccomp'), join(d, 'b.seccomp')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /one file/);
  assert.equal((await run([])).code, 2);
  assert.equal((await run(['--check', '--write', join(d, 'a.seccomp')])).code, 2);
  assert.equal((await run(['--max-line-length', 'x', join(d, 'a.seccomp')])).code, 2);
  rmSync(d, { recursive: true });
});

test('fmt --check lists the files that would change and exits 1; 0 when all are formatted', async () => {
  const d = dir();
  const a = join(d, 'a.seccomp');
  const b = join(d, 'b.seccomp');
  writeFileSync(a, PRETTY);
  writeFileSync(b, UGLY);
  const both = await run(['--check', a, b]);
  assert.equal(both.code, 1);
  assert.equal(both.out, b);
  const clean = await run(['--check', a]);
  assert.deepEqual([clean.code, clean.out, clean.err], [0, '', '']);
  assert.equal(readFileSync(b, 'utf8'), UGLY, '--check writes nothing');
  rmSync(d, { recursive: true });
});

test('fmt --write rewrites in place, keeps the mode, leaves no temporary file', async () => {
  const d = dir();
  const a = join(d, 'a.seccomp');
  const b = join(d, 'b.seccomp');
  writeFileSync(a, UGLY);
  chmodSync(a, 0o640);
  writeFileSync(b, PRETTY);
  const r = await run(['--write', a, b]);
  assert.deepEqual([r.code, r.out, r.err], [0, '', '']);
  assert.equal(readFileSync(a, 'utf8'), PRETTY);
  assert.equal(statSync(a).mode & 0o777, 0o640);
  assert.equal(readFileSync(b, 'utf8'), PRETTY);
  assert.deepEqual(readdirSync(d).sort(), ['a.seccomp', 'b.seccomp']);
  assert.equal((await run(['--check', a, b])).code, 0);
  rmSync(d, { recursive: true });
});

test('fmt --write through a symbolic link rewrites the target and keeps the link', async () => {
  const d = dir();
  mkdirSync(join(d, 'real'));
  const target = join(d, 'real', 'p.seccomp');
  writeFileSync(target, UGLY);
  const link = join(d, 'link.seccomp');
  symlinkSync(target, link);
  assert.equal((await run(['-w', link])).code, 0);
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(readlinkSync(link), target);
  assert.equal(readFileSync(target, 'utf8'), PRETTY);
  rmSync(d, { recursive: true });
});

test('fmt --max-line-length wraps long lists', async () => {
  const d = dir();
  const f = join(d, 'a.seccomp');
  writeFileSync(f, 'default kill_process\nallow read, write, close, fstat, lseek, mmap\n');
  const r = await run(['--max-line-length', '30', f]);
  assert.equal(r.code, 0);
  assert.equal(r.out, 'default kill_process\nallow read, write, close,\n      fstat, lseek, mmap');
  rmSync(d, { recursive: true });
});

test('a file with syntax errors is reported like `check` does and left untouched', async () => {
  const d = dir();
  const bad = join(d, 'bad.seccomp');
  const good = join(d, 'good.seccomp');
  const text = 'default kill_process\nalow   read\n';
  writeFileSync(bad, text);
  writeFileSync(good, UGLY);
  for (const mode of [[], ['--check'], ['--write']]) {
    const r = await run([...mode, bad]);
    assert.equal(r.code, 1, mode.join(' '));
    assert.match(r.err, new RegExp(`^${bad.replace(/[.]/g, '\\.')}:2:1: error: .*did you mean \`allow\`\\? \\[unknown-statement\\]$`, 'm'));
    assert.match(r.err, /has 1 syntax error; it was not formatted/);
    assert.equal(readFileSync(bad, 'utf8'), text);
  }
  // The other files are still formatted.
  const r = await run(['--write', bad, good]);
  assert.equal(r.code, 1);
  assert.equal(readFileSync(good, 'utf8'), PRETTY);
  rmSync(d, { recursive: true });
});

test('an unreadable file gets a one-line error and exit status 1', async () => {
  const d = dir();
  const missing = join(d, 'missing.seccomp');
  const r = await run(['--check', missing]);
  assert.equal(r.code, 1);
  assert.equal(r.err, `seccomp-policy fmt: cannot read ${missing}: no such file or directory`);
  const isDir = await run([d]);
  assert.equal(isDir.code, 1);
  assert.equal(isDir.err, `seccomp-policy fmt: cannot read ${d}: is a directory`);
  rmSync(d, { recursive: true });
});

test('a file that cannot be written is reported and left as it was', async () => {
  const d = dir();
  const f = join(d, 'a.seccomp');
  writeFileSync(f, UGLY);
  chmodSync(d, 0o555);
  chmodSync(f, 0o444);
  try {
    // Root writes anywhere: then the CLI runs as nobody (setpriv), for whom the folder is read-only.
    const r = process.getuid?.() === 0 ? runAsNobody(['fmt', '--write', f]) : await run(['--write', f]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /cannot write .*: permission denied/);
    assert.equal(readFileSync(f, 'utf8'), UGLY);
  } finally {
    chmodSync(d, 0o700);
    rmSync(d, { recursive: true });
  }
});

/**
 * The bundled CLI as user nobody (uid 65534), for the permission tests run as root. It runs
 * from a copy in a folder nobody can read: the checkout may sit where nobody cannot (a 0700
 * temporary folder, a root-only home).
 */
function runAsNobody(argv: string[]): { code: number | null; err: string } {
  const copy = mkdtempSync(join(tmpdir(), 'seccomp-cli-'));
  try {
    chmodSync(copy, 0o755);
    copyFileSync(join(__dirname, '..', '..', '..', 'dist', 'cli.js'), join(copy, 'cli.js'));
    writeFileSync(join(copy, 'seccomp-policy.js'), "require('./cli.js').runCli();\n");
    for (const f of ['cli.js', 'seccomp-policy.js']) chmodSync(join(copy, f), 0o644);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(copy, 'seccomp-policy.js'), ...argv], { encoding: 'utf8' });
    if (r.error) throw r.error;
    return { code: r.status, err: r.stderr };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

test('fmt --help and the command list', async () => {
  const r = await run(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /--check/);
  const out: string[] = [];
  await main(['--help'], { out: (t) => out.push(t), err: () => {} });
  assert.match(out.join('\n'), /^ {2}fmt FILE\.\.\./m);
});
