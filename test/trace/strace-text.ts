/**
 * Reading strace's text and ours into calls: name, top-level arguments and
 * result per line, with strace's unfinished/resumed halves joined. Used by the
 * parity test (test/trace/parity.test.ts); tested in test/unit/trace/strace-text.test.ts.
 */

export interface Call { readonly pid: number; readonly name: string; readonly args: readonly string[]; readonly ret: string; readonly line: string }

/**
 * `name(a, b, {x=1, y=[2, 3]}, "s,\"t")  = ret` → name, top-level arguments, result.
 * Quotes, escapes and nested (), [], {} are respected; strace's `/* … *\/`
 * comments are kept inside their argument.
 */
export function splitCall(text: string): { name: string; args: string[]; ret: string } | undefined {
  const m = /^(\w+)\(/.exec(text);
  if (!m) return undefined;
  const args: string[] = [];
  let depth = 0;
  let cur = '';
  let i = m[0].length;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      cur += text.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const j = text.indexOf('*/', i + 2);
      cur += text.slice(i, j + 2);
      i = j + 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ')') {
      if (depth === 0) break;
      depth--;
    } else if (c === ',' && depth === 0) {
      args.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim() || args.length) args.push(cur.trim());
  const rest = /^\)\s*=\s*(.*)$/.exec(text.slice(i));
  if (!rest) return undefined;
  return { name: m[1]!, args, ret: rest[1]!.trim() };
}

/** `strace -f -o` output: `PID name(args) = ret`, unfinished/resumed pairs joined, signals and exits left out. */
export function readStrace(text: string): Call[] {
  const calls: Call[] = [];
  const open = new Map<number, { at: number; head: string }>();
  for (const line of text.split('\n')) {
    const m = /^(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const pid = Number(m[1]);
    let body = m[2]!;
    if (body.startsWith('---') || body.startsWith('+++')) continue;
    const unfinished = / <unfinished \.\.\.>$/.exec(body);
    if (unfinished) {
      // Keep the call's place in its task's sequence; its text is completed when it resumes.
      open.set(pid, { at: calls.length, head: body.slice(0, unfinished.index) });
      calls.push({ pid, name: '', args: [], ret: '?', line: body });
      continue;
    }
    const resumed = /^<\.\.\. (\w+) resumed>(.*)$/.exec(body);
    let at = calls.length;
    if (resumed) {
      const o = open.get(pid);
      if (!o) continue;
      open.delete(pid);
      at = o.at;
      // `read(3, ` + `"data", 4096) = 4`; `futex(…, NULL` + `) = 0`.
      body = o.head + resumed[2]!.trimStart();
    }
    const c = splitCall(body);
    if (!c) continue;
    calls[at] = { pid, ...c, line: body };
  }
  // A call still unfinished when its task died (exit_group from another thread): no result, as ours shows `= ?`.
  for (const [pid, o] of open) {
    const c = splitCall(o.head.replace(/,?\s*$/, '') + ') = ?');
    calls[o.at] = c ? { pid, ...c, line: o.head } : { pid, name: '?', args: [], ret: '?', line: o.head };
  }
  return calls.filter((c) => c.name !== '');
}

/** Our `run -o` text: `[pid N] name(args) = ret    # allow  FILE:1 (default)`. */
export function readOurs(text: string): Call[] {
  const first = Number(/^# pid (\d+): /m.exec(text)?.[1] ?? '0');
  const calls: Call[] = [];
  for (const raw of text.split('\n')) {
    if (raw.startsWith('#')) continue;
    const line = raw.replace(/\s+# (allow|would|before the filter).*$/, '');
    const m = /^(?:\[pid (\d+)\] )?(.*)$/.exec(line)!;
    const c = splitCall(m[2]!);
    if (c) calls.push({ pid: m[1] ? Number(m[1]) : first, ...c, line });
  }
  return calls;
}
