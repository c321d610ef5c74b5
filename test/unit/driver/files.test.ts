/**
 * Issue 14, items 6-8: what reading an include does with files that are
 * not plain policies (procfs, FIFOs, devices, sockets, odd paths), and
 * where includes may read from.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { confinedHost, describeFsError, fsHost, readPolicyFile } from '../../../server/src/driver/files';
import { checkPolicy } from '../../../server/src/policy/check';
import { createPolicyService } from '../../../server/src/service/service';
import { runCli } from '../../helpers/cli';

const H = 'default kill_process\nallow execve\n';

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'seccomp-files-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** No Node error text: no errno code, no syscall name, no quoted path. */
function assertSentence(error: string): void {
  assert.doesNotMatch(error, /\bE[A-Z]{3,}\b|ERR_|open '|, open\b|null bytes|Received/, error);
}

describe('reading files that are not plain policies (#14 item 6)', () => {
  test('a /proc file, whose size says 0, is read to its end', () => {
    const read = readPolicyFile('/proc/self/status');
    assert.ok('text' in read, JSON.stringify(read));
    assert.match(read.text, /^Name:/);
  });

  test('a FIFO is refused at once, with a reason', () => {
    const dir = tempDir({});
    const fifo = join(dir, 'fifo.seccomp');
    execFileSync('mkfifo', [fifo]);
    assert.deepEqual(readPolicyFile(fifo), { error: 'is a FIFO (named pipe), not a regular file' });
  });

  test('a device and a directory are refused with a reason', () => {
    assert.deepEqual(readPolicyFile('/dev/null'), { error: 'is a character device, not a regular file' });
    assert.deepEqual(readPolicyFile('/dev/zero'), { error: 'is a character device, not a regular file' });
    assert.deepEqual(readPolicyFile(tmpdir()), { error: 'is a directory' });
  });

  test('an include of /proc/self/status is a reported include, never an empty one', () => {
    const dir = tempDir({ 'p.seccomp': `${H}include "/proc/self/status"\n` });
    const root = join(dir, 'p.seccomp');
    const { diagnostics } = checkPolicy({ path: root, text: `${H}include "/proc/self/status"\n` }, confinedHost(fsHost, () => ['/proc']));
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), ['include-not-policy']);
  });
});

describe('error messages from the file system (#14 item 8)', () => {
  test('a NUL in an include path is a sentence, not a Node error', () => {
    const read = readPolicyFile('a\0b.seccomp');
    assert.deepEqual(read, { error: 'the path contains a NUL character' });
    const { diagnostics } = checkPolicy({ path: '/p/root.seccomp', text: `${H}include "a\0b.seccomp"\n` }, fsHost);
    const [d] = diagnostics.filter((x) => x.code === 'include-not-found');
    assert.equal(d?.message, 'cannot include this path: it contains a NUL character');
  });

  test('a socket (ENXIO on open, as /dev/stdin gives when stdin is a socket) is a sentence', async () => {
    const dir = tempDir({});
    const path = join(dir, 'sock.seccomp');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const read = readPolicyFile(path);
      assert.ok('error' in read);
      assertSentence(read.error);
      assert.match(read.error, /no such device or address/);
    } finally {
      server.close();
    }
  });

  test('every errno is described without Node\'s text', () => {
    for (const code of ['ENOENT', 'EACCES', 'ENXIO', 'ENAMETOOLONG', 'EIO', 'ESOMETHINGNEW']) {
      const e = Object.assign(new Error(`${code}: something, open '/secret/path'`), { code });
      assert.doesNotMatch(describeFsError(e), /open '|\/secret/);
    }
    assert.equal(describeFsError(Object.assign(new Error('x'), { code: 'ENXIO' })), 'no such device or address (a socket, or a device with nothing behind it)');
  });

  test('`check /dev/stdin` with stdin a socket prints a sentence', () => {
    // Node gives a child's piped stdin as a socket pair: opening /dev/stdin then fails with ENXIO.
    const cli = new URL('../../../server/src/cli/main.ts', import.meta.url).pathname;
    const script = `import(${JSON.stringify(cli)}).then(async (m) => { process.exitCode = await (m.main ?? m.default.main)(['check', '/dev/stdin'], `
      + `{ out: (t) => console.log(t), err: (t) => console.error(t), writeBytes: () => {}, isTty: false }); });`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { input: '', encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /cannot read \/dev\/stdin: no such device or address/);
    assertSentence(r.stderr);
  });
});

describe('include confinement (#14 item 7)', () => {
  const secret = 'hunter2-topsecret';
  const layout = () => {
    const dir = tempDir({
      'policies/main.seccomp': '',
      'policies/common/base.seccomp': 'allow read\n',
      'outside/other.seccomp': 'allow write\n',
      'outside/secret.txt': `${secret}:x:0:0\n`,
      'outside/secret.seccomp': 'allow close\n',
    });
    symlinkSync(join(dir, 'outside/secret.seccomp'), join(dir, 'policies/link.seccomp'));
    return dir;
  };
  const checkAt = (dir: string, text: string, allowed: string[] = []) => {
    const root = join(dir, 'policies/main.seccomp');
    writeFileSync(root, text);
    return checkPolicy({ path: root, text }, confinedHost(fsHost, () => allowed)).diagnostics.filter((d) => d.severity === 'error');
  };

  test('includes inside the policy\'s folder tree are read', () => {
    assert.deepEqual(checkAt(layout(), `${H}include "common/base.seccomp"\n`), []);
  });

  test('an include outside it, or a link pointing out of it, is refused', () => {
    const dir = layout();
    const errors = checkAt(dir, `${H}include "../outside/other.seccomp"\ninclude "link.seccomp"\ninclude "/etc/passwd"\n`);
    assert.deepEqual(errors.map((d) => d.code), ['include-outside', 'include-outside', 'include-outside']);
    assert.match(errors[0]!.message, /seccompPolicy\.includeDirectories.*--include-dir/);
  });

  test('a folder the host allows may be included from', () => {
    const dir = layout();
    assert.deepEqual(checkAt(dir, `${H}include "../outside/other.seccomp"\ninclude "link.seccomp"\n`, [join(dir, 'outside')]), []);
  });

  test('a file that is not a policy is never quoted, not even its first word', () => {
    const dir = layout();
    const errors = checkAt(dir, `${H}include "../outside/secret.txt"\n`, [join(dir, 'outside')]);
    assert.deepEqual(errors.map((d) => d.code), ['include-not-policy']);
    assert.doesNotMatch(JSON.stringify(errors), /hunter2/);
  });

  test('a link named .seccomp to a file that is not a policy is judged by the file it points to', () => {
    const dir = layout();
    symlinkSync(join(dir, 'outside/secret.txt'), join(dir, 'outside/disguised.seccomp'));
    const errors = checkAt(dir, `${H}include "../outside/disguised.seccomp"\n`, [join(dir, 'outside')]);
    assert.deepEqual(errors.map((d) => d.code), ['include-not-policy']);
    assert.doesNotMatch(JSON.stringify(errors), /hunter2/);
  });

  test('the CLI: `include "/etc/shadow"` prints neither `root` nor any of its content, with or without --include-dir', async () => {
    const dir = layout();
    const policy = join(dir, 'policies/main.seccomp');
    writeFileSync(policy, `${H}include "/etc/shadow"\ninclude "../outside/secret.txt"\n`);
    for (const argv of [['check', policy], ['check', '--include-dir', '/etc', '--include-dir', join(dir, 'outside'), policy]]) {
      const r = await runCli(argv);
      assert.equal(r.code, 1);
      assert.doesNotMatch(r.out + r.err, /\broot\b|hunter2/);
      if (existsSync('/etc/shadow') && argv.length > 2) assert.match(r.out, /\/etc\/shadow` is not a policy file/);
    }
    const r = await runCli(['check', '--include-dir', join(dir, 'outside'), policy]);
    assert.match(r.out, /secret\.txt` is not a policy file/);
    assert.match(r.out, /\/etc\/shadow`: it is outside/);
  });

  test('compile, simulate and diff take --include-dir too', async () => {
    const dir = layout();
    const policy = join(dir, 'policies/main.seccomp');
    writeFileSync(policy, `${H}include "../outside/other.seccomp"\n`);
    const outside = join(dir, 'outside');
    for (const [cmd, ...rest] of [['compile', '--format', 'json'], ['simulate', '--arch', 'x86_64', '--syscall', 'write'], ['diff', policy]]) {
      const refused = await runCli([cmd!, ...rest, policy]);
      assert.match(refused.err, /include-outside/, `${cmd} without --include-dir`);
      const allowed = await runCli([cmd!, '--include-dir', outside, ...rest, policy]);
      assert.doesNotMatch(allowed.out + allowed.err, /include-outside/, `${cmd} with --include-dir`);
    }
  });

  test('include completion offers only allowed places', () => {
    const dir = layout();
    const root = join(dir, 'policies/main.seccomp');
    const host = confinedHost(fsHost);
    const service = createPolicyService({
      host: {
        ...host,
        listDirectory: (path: string) => {
          const out = execFileSync('ls', ['-p', path], { encoding: 'utf8' }).split('\n').filter(Boolean);
          return out.map((n) => ({ name: n.replace(/\/$/, ''), isDirectory: n.endsWith('/') }));
        },
      },
    });
    const labels = (typed: string) => {
      const text = `${H}include "${typed}`;
      const list = service.doComplete({ uri: `file://${root}`, path: root, version: 1, text }, { line: 2, character: 9 + typed.length });
      return (list?.items ?? []).map((i) => i.label).sort();
    };
    // In its own folder: the common/ folder; link.seccomp points outside and is left out.
    assert.deepEqual(labels(''), ['common/']);
    assert.deepEqual(labels('common/'), ['base.seccomp']);
    // Above it: only the way back down to it.
    assert.deepEqual(labels('../'), ['policies/']);
    assert.deepEqual(labels('../outside/'), []);
  });
});
