/**
 * The helper against Debian's strace: with no filter, both must record the same syscalls
 * (numbers) with the same return values from the program's execve on. Both run under
 * `setarch -R` so that addresses (mmap, brk) are the same in both runs; the traced pid is
 * replaced by PID. Documented differences (docs/trace-protocol.md): the helper's own start-up
 * before execve is not compared, and exit_group is `= ?` in strace and noreturn here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { HELPER, fx, parseEvents, work } from './harness';
import { blocker, machine } from '../helpers/machine';

const UNISTD = '/usr/include/x86_64-linux-gnu/asm/unistd_64.h';
const skip = blocker(machine.linuxX64(), machine.helper(), machine.strace()) ?? false;

function syscallNumbers(): Map<string, number> {
  const m = new Map<string, number>();
  for (const [, name, nr] of readFileSync(UNISTD, 'utf8').matchAll(/#define __NR_(\w+) (\d+)/g)) m.set(name, Number(nr));
  return m;
}

/** `nr ret` lines from strace -e raw=all output, from the (last) successful execve on. */
function fromStrace(text: string, names: Map<string, number>, pid: number): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\d+\s+(\w+)\(.*\)\s+= (.*)$/.exec(line);
    if (!m) continue;
    const [, name, result] = m;
    const nr = names.get(name);
    assert.ok(nr !== undefined, `unknown syscall ${name}`);
    let r: string;
    if (result === '?') r = 'noreturn';
    else {
      const err = /^-1 (E\w+)/.exec(result);
      if (err) r = String(-(constants.errno as Record<string, number>)[err[1]]);
      else r = BigInt.asIntN(64, BigInt(result.split(' ')[0])).toString();
    }
    if (name === 'execve' && r === '0') out.length = 0;
    out.push(`${nr} ${r === String(pid) ? 'PID' : r}`);
  }
  return out;
}

function fromHelper(raw: string): { lines: string[]; pid: number } {
  const events = parseEvents(raw);
  const lines: string[] = [];
  const pid = events[0].pid;
  for (const e of events) {
    if (e.type !== 'syscall') continue;
    const r = e.noreturn ? 'noreturn' : e.ret === String(pid) ? 'PID' : e.ret;
    if (e.nr === 59 && e.ret === '0') lines.length = 0;
    lines.push(`${e.nr} ${r}`);
  }
  return { lines, pid };
}

function compare(cmd: string[]) {
  const names = syscallNumbers();
  const out = join(work(), 'strace.txt');
  const s = spawnSync('setarch', ['-R', 'strace', '-f', '-qq', '-e', 'raw=all', '-o', out, ...cmd], { encoding: 'utf8' });
  assert.equal(s.status, 0, s.stderr);
  const straceText = readFileSync(out, 'utf8');
  const straceChild = Number(/^(\d+)/m.exec(straceText.split('\n').find((l) => / execve\(/.test(l) && / = 0$/.test(l))!)![1]);
  const h = spawnSync('setarch', ['-R', HELPER, '--mode', 'permissive', '--no-pin', '--events-fd', '3', '--', ...cmd], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  assert.equal(h.status, 0, h.stderr?.toString());
  const ours = fromHelper(h.output[3]!.toString('latin1'));
  const theirs = fromStrace(straceText, names, straceChild);
  assert.ok(theirs.length > 5, 'strace saw the program');
  assert.deepEqual(ours.lines, theirs);
}

test('same syscalls and return values as strace: /bin/true', { skip }, () => compare(['/bin/true']));
test('same syscalls and return values as strace: a fixture', { skip }, () => compare([fx(), 'open', '/etc/hostname']));
test('same syscalls and return values as strace: getpid', { skip }, () => compare([fx(), 'getpid']));
