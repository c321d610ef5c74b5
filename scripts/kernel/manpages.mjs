// Reads the SYNOPSIS of every section-2 man page and extracts the C
// prototypes (names and libc types of the parameters). Only facts are kept:
// function name, return type, parameter types and names.
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';

/** Reads one man page source (plain or .gz). */
function readPage(path) {
  const raw = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
}

/** Removes roff escapes that can occur inside a synopsis. */
function unescape(s) {
  return s
    .replace(/\\f(?:\[[^\]]*\]|\(..|.)/g, '')
    .replace(/\\\(em/g, '-')
    .replace(/\\-/g, '-')
    .replace(/\\[~ ]/g, ' ')
    .replace(/\\&/g, '')
    .replace(/\\e/g, '\\')
    .replace(/\\\//g, '')
    .replace(/\\,/g, '');
}

/** The arguments of a font macro (`.BI "int " fd ", ..."`), joined as roff shows them. */
function macroText(rest, joiner) {
  const parts = [];
  let i = 0;
  while (i < rest.length) {
    if (rest[i] === ' ' || rest[i] === '\t') { i++; continue; }
    if (rest[i] === '"') {
      let j = i + 1;
      let s = '';
      while (j < rest.length && rest[j] !== '"') s += rest[j++];
      parts.push(s);
      i = j + 1;
    } else {
      let j = i;
      let s = '';
      while (j < rest.length && rest[j] !== ' ' && rest[j] !== '\t') s += rest[j++];
      parts.push(s);
      i = j;
    }
  }
  return parts.join(joiner);
}

/** The SYNOPSIS section of a page as plain C text, or '' when absent. */
function synopsisText(src) {
  const lines = src.split('\n');
  const out = [];
  let inSyn = false;
  for (let k = 0; k < lines.length; k++) {
    let line = lines[k];
    // roff line continuation
    while (line.endsWith('\\') && !line.endsWith('\\\\') && k + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++k];
    }
    if (/^\.SH\s/.test(line)) {
      if (inSyn) break;
      inSyn = /^\.SH\s+"?SYNOPSIS/.test(line);
      continue;
    }
    if (!inSyn) continue;
    if (line.startsWith('.\\"') || line.startsWith("'\\\"")) continue;
    const m = /^\.(B|I|R|BI|IB|BR|RB|IR|RI)\s+(.*)$/.exec(line);
    if (m) out.push(unescape(macroText(m[2], m[1].length === 1 ? ' ' : '')));
    else if (line.startsWith('.')) out.push('');
    else out.push(unescape(line));
  }
  return out.join('\n');
}

function splitTop(s) {
  const parts = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth--;
    if (ch === ',' && depth === 0) { parts.push(cur); cur = ''; continue; }
    cur += ch;
  }
  if (cur.trim() !== '') parts.push(cur);
  return parts.map((p) => p.trim());
}

/** `const char *pathname` → { type: 'const char *', name: 'pathname' }. */
export function parseParam(p) {
  p = p.replace(/\s+/g, ' ').trim();
  if (p === '...' || p === 'void' || p === '') return undefined;
  // function pointer: int (*fn)(void *)
  const fp = /^(.*)\(\s*\*\s*(\w+)\s*\)\s*\((.*)\)$/.exec(p);
  if (fp) return { type: `${fp[1].trim()} (*)(${fp[3].trim()})`, name: fp[2] };
  // array / VLA notation: `void buf[.count]`, `int pipefd[2]`, `char *const argv[]`
  const arr = /^(.*?)(\w+)\s*\[[^\]]*\]$/.exec(p);
  if (arr) {
    const base = arr[1].trim();
    return { type: `${base}${base.endsWith('*') ? '' : ' '}*`.replace(/\s+\*/, ' *'), name: arr[2] };
  }
  const m = /^(.*?)(\w+)$/.exec(p);
  if (!m || m[1].trim() === '') return undefined;
  let type = m[1].trim().replace(/\s*\*\s*/g, ' *').replace(/\* \*/g, '**').trim();
  type = type.replace(/\*\s+const$/, '*const');
  return { type, name: m[2] };
}

/**
 * All prototypes found in section 2 pages: name → list of
 * { ret, params: [{type,name}], viaSyscall, page, text }.
 */
export function readManPrototypes(dir) {
  const protos = new Map();
  const files = readdirSync(dir).filter((f) => /\.2(\.gz)?$/.test(f)).sort();
  for (const f of files) {
    const src = readPage(join(dir, f));
    if (/^\.so\s/m.test(src.slice(0, 200)) && !/\.SH/.test(src)) continue; // redirect only
    let text = synopsisText(src);
    text = text
      .replace(/\/\*[\s\S]*?\*\//g, ' ')
      .replace(/^\s*#.*$/gm, ' ')
      .replace(/\[\[\w+\]\]/g, ' ')
      .replace(/\b(?:_Nullable|_Nonnull|restrict|__restrict)\b/g, ' ');
    for (const stmt of text.split(';')) {
      const s = stmt.replace(/\s+/g, ' ').trim();
      const m = /^((?:[A-Za-z_][\w ]*?[\s*]+)+?)\**\s*(\w+)\s*\((.*)\)$/.exec(s);
      if (!m) continue;
      const ret = (m[1] + (s.slice(m[1].length).match(/^\**/)?.[0] ?? '')).replace(/\s+/g, ' ').trim();
      let name = m[2];
      let argText = m[3];
      let viaSyscall = false;
      if (name === 'syscall') {
        const sm = /^\s*SYS_(\w+)\s*(?:,(.*))?$/.exec(argText);
        if (!sm) continue;
        name = sm[1];
        argText = sm[2] ?? '';
        viaSyscall = true;
      }
      const rawParams = splitTop(argText);
      const params = [];
      let ok = true;
      let variadic = false;
      for (const rp of rawParams) {
        if (rp === '...') { variadic = true; continue; }
        if (rp === 'void' && rawParams.length === 1) continue;
        const pp = parseParam(rp);
        if (!pp) { ok = false; break; }
        params.push(pp);
      }
      if (!ok) continue;
      const entry = { ret, params, variadic, viaSyscall, page: f.replace(/\.gz$/, '') };
      if (!protos.has(name)) protos.set(name, []);
      protos.get(name).push(entry);
    }
  }
  return protos;
}

/** The prototype that best describes the raw syscall: the syscall(SYS_x) form, else the one with most parameters. */
export function bestPrototype(list) {
  if (!list || list.length === 0) return undefined;
  const sys = list.filter((p) => p.viaSyscall);
  const pool = sys.length > 0 ? sys : list;
  let best = pool[0];
  for (const p of pool) if (p.params.length > best.params.length) best = p;
  return best;
}
