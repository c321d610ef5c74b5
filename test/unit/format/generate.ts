/** A generator of random valid policies with random layout, for the formatter's property tests (not a test file). */
import type { Random } from '../../helpers/random';

/** Syscalls with an argument each (name, and constants that fit it). */
const ARGS: Record<string, { arg: string; values: string[]; masks: string[] }[]> = {
  openat: [{ arg: 'flags', values: ['O_RDONLY', 'O_WRONLY', 'O_RDWR', '0', '0x0'], masks: ['O_ACCMODE', 'O_CREAT', '0o3'] },
    { arg: 'dirfd', values: ['AT_FDCWD', '3', '-1'], masks: [] }],
  mmap: [{ arg: 'prot', values: ['PROT_READ', 'PROT_NONE', '0b11'], masks: ['PROT_EXEC', 'PROT_WRITE'] }],
  ioctl: [{ arg: 'request', values: ['TCGETS', 'TIOCGWINSZ', 'FIONREAD', '0x5401'], masks: [] }],
  socket: [{ arg: 'domain', values: ['AF_UNIX', 'AF_INET', 'AF_INET6', '1_0'], masks: [] }],
  clone: [{ arg: 'flags', values: ['0', 'CLONE_NEWUSER'], masks: ['CLONE_NEWUSER', 'CLONE_NEWNS', 'CLONE_THREAD'] }],
  read: [{ arg: 'fd', values: ['0', '1', '2'], masks: [] }, { arg: 'count', values: ['4096', '0x1000'], masks: [] }],
};
const PLAIN = ['read', 'write', 'close', 'fstat', 'brk', 'futex', 'exit_group', 'execve', 'getpid', 'kill', 'dup', 'lseek',
  'rt_sigreturn', 'mprotect', 'munmap', 'pipe2', 'clone3', 'openat2', 'sched_yield', 'nanosleep', 'uname', 'getuid'];
const GROUPS = ['@basic-io', '@signal', '@timer'];
const ACTIONS = ['allow', 'log', 'errno(EPERM)', 'errno(EACCES)', 'errno(13)', 'trap', 'trap(7)', 'trace(1)', 'kill_process', 'kill', 'kill_thread', 'notify'];
const COMMENTS = ['# a comment', '#', '#tight', '# with "quotes" and (parens', '# allow read if x == 1', '#   spaced   '];

class Writer {
  readonly parts: string[] = [];
  constructor(private readonly r: Random) {}
  /** Blanks between two tokens of a statement. */
  gap(tight: boolean): string {
    const n = this.r.pick(tight ? [0, 0, 0, 1, 2] : [1, 1, 1, 2, 3]);
    return this.r.chance(0.1) ? '\t'.repeat(Math.max(1, n)) : ' '.repeat(n);
  }
  /** After a continuation token: maybe a line break (with a comment, blank lines), else blanks. */
  cont(): string {
    if (!this.r.chance(0.25)) return this.gap(false);
    let s = this.r.chance(0.3) ? ` ${this.r.pick(COMMENTS)}` : '';
    s += '\n';
    if (this.r.chance(0.2)) s += '\n';
    if (this.r.chance(0.2)) s += `  ${this.r.pick(COMMENTS)}\n`;
    return s + ' '.repeat(this.r.int(12));
  }
}

function list(r: Random, w: Writer, names: readonly string[]): string {
  const n = 1 + r.int(r.chance(0.2) ? 25 : 4);
  const items: string[] = [];
  for (let i = 0; i < n; i++) items.push(r.chance(0.1) ? r.pick(GROUPS) : r.chance(0.05) ? `syscall${w.gap(true)}(${w.gap(true)}${r.pick(['39', '0x27', '1_0'])}${w.gap(true)})` : r.pick(names));
  let s = items[0]!;
  for (const it of items.slice(1)) s += `${w.gap(true)},${w.cont()}${it}`;
  if (r.chance(0.1)) s += ` except${w.cont()}${r.pick(PLAIN)}`;
  return s;
}

function comparison(r: Random, w: Writer, a: { arg: string; values: string[]; masks: string[] }): string {
  const v = () => (r.chance(0.1) ? `(${w.gap(true)}${r.pick(a.values)}${w.gap(true)})` : r.pick(a.values));
  const subject = a.masks.length && r.chance(0.4) ? `${a.arg}${w.gap(true)}&${w.gap(true)}${r.pick(a.masks)}` : a.arg;
  switch (r.int(5)) {
    case 0: return `${subject}${w.gap(true)}${r.pick(['==', '!=', '<', '<=', '>', '>='])}${w.gap(true)}${v()}`;
    case 1: {
      const values = [v(), v(), v()].slice(0, 1 + r.int(3));
      return `${subject}${w.gap(false)}${r.chance(0.5) ? 'not in' : 'in'}${w.gap(true)}(${w.gap(true)}${values.join(`${w.gap(true)},${w.cont()}`)}${w.gap(true)})`;
    }
    case 2: return a.masks.length ? `${a.arg}${w.gap(true)}&${w.gap(true)}${r.pick(a.masks)}` : `${a.arg} == ${v()}`;
    case 3: return `!${w.gap(true)}(${w.gap(true)}${subject} == ${v()}${w.gap(true)})`;
    default: return `${subject}${w.gap(true)}==${w.gap(true)}${v()}`;
  }
}

function condition(r: Random, w: Writer, a: { arg: string; values: string[]; masks: string[] }[], depth = 0): string {
  let s = comparison(r, w, r.pick(a));
  const n = depth > 1 ? 0 : r.int(4);
  for (let i = 0; i < n; i++) {
    const rhs = r.chance(0.2) ? `(${w.gap(true)}${condition(r, w, a, depth + 1)}${w.gap(true)})` : comparison(r, w, r.pick(a));
    s += `${w.gap(true)}${r.pick(['&&', '||'])}${w.cont()}${rhs}`;
  }
  return s;
}

function statement(r: Random, w: Writer, state: { defines: string[]; groups: string[] }): string {
  const k = r.int(10);
  if (k === 0) {
    const name = `D${state.defines.length}`;
    state.defines.push(name);
    return `define${w.gap(false)}${name}${w.gap(true)}=${w.cont()}${r.pick(['1', '0x10', '~0', '-1', '(1 << 4) | 2', `${r.pick(['3', '0b1'])}>>1`])}`;
  }
  if (k === 1) {
    const name = `@g${state.groups.length}`;
    state.groups.push(name);
    return `group${w.gap(false)}${name}${w.gap(true)}=${w.cont()}${list(r, w, PLAIN)}`;
  }
  const action = r.pick(ACTIONS).replace('(', `${w.gap(true)}(${w.gap(true)}`);
  if (k <= 5) {
    const sys = r.pick(Object.keys(ARGS));
    return `${action}${w.gap(false)}${sys}${w.gap(false)}if${w.cont()}${condition(r, w, ARGS[sys]!)}`;
  }
  const names = state.groups.length && r.chance(0.3) ? [...PLAIN, ...state.groups] : PLAIN;
  return `${action}${w.gap(false)}${list(r, w, names)}`;
}

/** A random valid policy, written with random spacing, breaks, blank lines and comments. */
export function randomPolicy(r: Random): string {
  const w = new Writer(r);
  const lines: string[] = [];
  if (r.chance(0.5)) lines.push(r.pick(COMMENTS));
  if (r.chance(0.7)) lines.push(`arch${w.gap(false)}${r.pick(['x86_64', 'x86_64, aarch64', 'aarch64', 'x86_64,i386'])}`);
  lines.push(`default${w.gap(false)}${r.pick(['kill_process', 'errno(EPERM)', 'errno( ENOSYS )', 'trap', 'log'])}`);
  if (r.chance(0.3)) lines.push(`badarch ${r.pick(['kill_process', 'errno(1)', 'kill_thread'])}`);
  const state = { defines: [] as string[], groups: [] as string[] };
  const n = 1 + r.int(14);
  for (let i = 0; i < n; i++) {
    if (r.chance(0.15)) lines.push('');
    if (r.chance(0.15)) lines.push(' '.repeat(r.int(4)) + r.pick(COMMENTS));
    let s = ' '.repeat(r.chance(0.2) ? r.int(4) : 0) + statement(r, w, state);
    if (r.chance(0.2)) s += `${w.gap(false)}${r.pick(COMMENTS)}`;
    lines.push(s);
  }
  if (r.chance(0.3)) lines.push('', r.pick(COMMENTS));
  const eol = r.chance(0.1) ? '\r\n' : '\n';
  return lines.join(eol).replace(/\n/g, eol === '\n' ? '\n' : '\r\n').replace(/\r\r\n/g, '\r\n') + (r.chance(0.9) ? eol : '');
}

