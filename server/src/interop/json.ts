/**
 * A small JSON reader for seccomp profiles. `JSON.parse` is not enough:
 * argument values are 64-bit (`18446744073709551615` loses its low bits in
 * a double), and a profile that is wrong should be answered with where it is
 * wrong. So numbers keep their text, and every value keeps its offset, from
 * which errors give "line L column C".
 */

export type JsonValue =
  | { readonly kind: 'object'; readonly offset: number; readonly entries: readonly JsonEntry[] }
  | { readonly kind: 'array'; readonly offset: number; readonly items: readonly JsonValue[] }
  | { readonly kind: 'string'; readonly offset: number; readonly value: string }
  /** `text` is the number as written; `integer` its value when it is a whole number. */
  | { readonly kind: 'number'; readonly offset: number; readonly text: string; readonly integer: bigint | undefined }
  | { readonly kind: 'boolean'; readonly offset: number; readonly value: boolean }
  | { readonly kind: 'null'; readonly offset: number };

export interface JsonEntry {
  readonly key: string;
  readonly keyOffset: number;
  readonly value: JsonValue;
}

/** 1-based line and column of an offset (columns count UTF-16 units, as editors do). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) { line++; start = i + 1; }
  }
  return { line, column: offset - start + 1 };
}

export class JsonSyntaxError extends Error {
  constructor(readonly offset: number, readonly reason: string) {
    super(reason);
  }
}

/** Parses one JSON document; throws JsonSyntaxError with the offset of the first problem. */
export function parseJson(text: string): JsonValue {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const fail = (reason: string, at = pos): never => { throw new JsonSyntaxError(at, reason); };
  const ws = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) pos++;
      else break;
    }
  };
  const describe = () => (pos >= text.length ? 'the end of the file' : `'${text[pos]}'`);
  // "unexpected end of the file", not "unexpected the end of the file".
  const unexpected = () => (pos >= text.length ? 'unexpected end of the file' : `unexpected ${describe()}`);

  const string = (): string => {
    const open = pos++;
    let out = '';
    for (;;) {
      if (pos >= text.length) fail('unterminated string', open);
      const c = text[pos]!;
      if (c === '"') { pos++; return out; }
      if (c === '\\') {
        const e = text[pos + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && simple[e] !== undefined) { out += simple[e]; pos += 2; continue; }
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
          out += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
          pos += 6;
          continue;
        }
        fail('bad escape in string');
      }
      if (c.charCodeAt(0) < 0x20) fail('control character in string');
      out += c;
      pos++;
    }
  };

  const number = (): JsonValue => {
    const start = pos;
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(pos, pos + 400));
    if (!m) return fail(unexpected());
    pos += m[0].length;
    const integer = m[2] === undefined && m[3] === undefined ? BigInt(m[0]) : undefined;
    return { kind: 'number', offset: start, text: m[0], integer };
  };

  const value = (depth: number): JsonValue => {
    if (depth > 200) fail('nested too deeply');
    ws();
    const start = pos;
    const c = text[pos];
    if (c === '{') {
      pos++;
      const entries: JsonEntry[] = [];
      ws();
      if (text[pos] === '}') { pos++; return { kind: 'object', offset: start, entries }; }
      for (;;) {
        ws();
        if (text[pos] !== '"') fail(`expected a property name in double quotes, found ${describe()}`);
        const keyOffset = pos;
        const key = string();
        ws();
        if (text[pos] !== ':') fail(`expected ':' after the property name, found ${describe()}`);
        pos++;
        entries.push({ key, keyOffset, value: value(depth + 1) });
        ws();
        if (text[pos] === ',') { pos++; continue; }
        if (text[pos] === '}') { pos++; return { kind: 'object', offset: start, entries }; }
        fail(`expected ',' or '}', found ${describe()}`);
      }
    }
    if (c === '[') {
      pos++;
      const items: JsonValue[] = [];
      ws();
      if (text[pos] === ']') { pos++; return { kind: 'array', offset: start, items }; }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (text[pos] === ',') { pos++; continue; }
        if (text[pos] === ']') { pos++; return { kind: 'array', offset: start, items }; }
        fail(`expected ',' or ']', found ${describe()}`);
      }
    }
    if (c === '"') return { kind: 'string', offset: start, value: string() };
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return v === null ? { kind: 'null', offset: start } : { kind: 'boolean', offset: start, value: v };
      }
    }
    return fail(unexpected());
  };

  const root = value(0);
  ws();
  if (pos < text.length) fail(`unexpected ${describe()} after the end of the document`);
  return root;
}
