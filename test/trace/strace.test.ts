/**
 * Our trace against Debian's strace: for the same program with no filter
 * (`run --permissive`, `strace -f`), each process's sequence of syscall
 * names and return values is the same from the program's execve on. Both run
 * under `setarch -R` so addresses match; pids and tids are replaced by PID.
 * Documented differences (docs/trace.md): the start-up before the program's
 * execve is not compared; the first process's getppid (strace vs the helper) is
 * not compared; return values are compared by their first token
 * (strace adds decorations such as `(Timeout)`); `--no-pin`, because pinning
 * changes what sched_getaffinity returns.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, policyFile, prepare, skipReason, tfx, work } from './harness';
import { blocker, machine } from '../helpers/machine';

const skip = skipReason || (blocker(machine.strace()) ?? false);
before(() => { if (!skip) prepare(); });

type Calls = Map<number, string[]>;

function normalise(ret: string, pids: Set<string>): string {
  const first = ret.trim().split(/\s+/)[0]!;
  if (first === '-1') {
    const m = /^-1 (E\w+)/.exec(ret.trim());
    return m ? `-1 ${m[1]}` : '-1';
  }
  return pids.has(first) ? 'PID' : first;
}

/** strace -f lines: `PID name(args) = ret`, with unfinished/resumed pairs joined. */
function fromStrace(text: string): Calls {
  const raw: Array<[number, string, string]> = [];
  const open = new Map<number, string>();
  for (const line of text.split('\n')) {
    let m = /^(\d+)\s+<\.\.\. (\w+) resumed>.*\)\s+= (.*)$/.exec(line);
    if (m) { raw.push([Number(m[1]), m[2]!, m[3]!]); open.delete(Number(m[1])); continue; }
    m = /^(\d+)\s+(\w+)\(.*<unfinished \.\.\.>$/.exec(line);
    if (m) { open.set(Number(m[1]), m[2]!); continue; }
    m = /^(\d+)\s+(\w+)\(.*\)\s+= (.*)$/.exec(line);
    if (m) raw.push([Number(m[1]), m[2]!, m[3]!]);
  }
  for (const [pid, name] of open) raw.push([pid, name, '?']);
  return group(raw);
}

/** Our text trace: `[pid N] name(args) = ret    # decision`. */
function fromOurs(text: string, firstPid: number): Calls {
  const raw: Array<[number, string, string]> = [];
  for (const line of text.split('\n')) {
    const m = /^(?:\[pid (\d+)\] )?(\w+)\(.*\) = (.*?)(?:\s+# .*)?$/.exec(line);
    if (m) raw.push([m[1] ? Number(m[1]) : firstPid, m[2]!, m[3]!]);
  }
  return group(raw);
}

function group(raw: Array<[number, string, string]>): Calls {
  const pids = new Set(raw.map(([p]) => String(p)));
  const out: Calls = new Map();
  // From the last successful execve of the first process on.
  for (const [pid, name, ret] of raw) {
    let list = out.get(pid);
    if (!list) out.set(pid, (list = []));
    if (name === 'execve' && normalise(ret, pids) === '0') list.length = 0;
    const r = normalise(ret, pids);
    // The first process's parent is strace itself or the helper.
    list.push(`${name} = ${name === 'getppid' && r !== 'PID' ? 'PPID' : r}`);
  }
  return out;
}

function compare(cmd: string[]) {
  const straceOut = join(work(), 'strace.out');
  const s = spawnSync('setarch', ['-R', 'strace', '-f', '-qq', '-o', straceOut, ...cmd], { encoding: 'utf8' });
  assert.equal(s.status, 0, s.stderr);
  const p = policyFile('default allow\n');
  const oursOut = join(work(), 'ours.out');
  const r = spawnSync('setarch', ['-R', process.execPath, CLI, 'run', '--permissive', '--no-pin', '-o', oursOut, p, '--', ...cmd], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const ours = readFileSync(oursOut, 'latin1');
  const theirs = fromStrace(readFileSync(straceOut, 'latin1'));
  const firstOurs = fromOurs(ours, Number(/^# pid (\d+): /m.exec(ours)![1]));
  // Align processes by order of appearance.
  const a = [...theirs.values()];
  const b = [...firstOurs.values()];
  assert.equal(b.length, a.length, 'same number of processes and threads');
  assert.ok(a[0]!.length > 5, 'strace saw the program');
  for (let i = 0; i < a.length; i++) assert.deepEqual(b[i], a[i], `task #${i + 1}`);
}

test('/bin/true', { skip }, () => compare(['/bin/true']));
test('ls -la /', { skip }, () => compare(['ls', '-la', '/']));
test('fixture: files, fork, thread', { skip }, () => compare([tfx(), 'getpid', 'open:/etc/passwd', 'openw:/nonexistent/x', 'uname', 'fork']));
test('sh -c (no child: signal timing would differ between runs)', { skip }, () => compare(['sh', '-c', 'echo hi; echo there >/dev/null']));
