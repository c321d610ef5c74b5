/**
 * The Docker/OCI seccomp profile: its shape (what Docker's daemon, Podman,
 * Kubernetes `localhost` profiles and runc's `config.json` share), and the
 * check that a JSON document is one, with the path and position of the
 * first thing that is not ("`syscalls[3].action` must be …, line 12 column 17").
 */
import { lineColumn, parseJson, JsonSyntaxError, type JsonValue } from './json';

/** The `SCMP_ACT_*` names a profile may use. */
export const OCI_ACTIONS = [
  'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_NOTIFY',
] as const;
export type OciAction = (typeof OCI_ACTIONS)[number];

/** The `SCMP_CMP_*` operators, in libseccomp's `enum scmp_compare` order. */
export const OCI_OPS = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'] as const;
export type OciOp = (typeof OCI_OPS)[number];

export interface OciArg {
  /** The syscall register (0..5), as libseccomp numbers them: not a C parameter. */
  readonly index: number;
  /** The datum; for SCMP_CMP_MASKED_EQ, the mask. */
  readonly value: bigint;
  /** For SCMP_CMP_MASKED_EQ, the value `arg & mask` must equal; else unused. */
  readonly valueTwo: bigint;
  readonly op: OciOp;
}

export interface OciFilter {
  readonly caps?: readonly string[];
  readonly arches?: readonly string[];
  readonly minKernel?: string;
}

export interface OciSyscall {
  /** Where the entry is, for messages: `syscalls[3]`. */
  readonly path: string;
  readonly names: readonly string[];
  readonly action: OciAction;
  readonly errnoRet?: number;
  readonly args: readonly OciArg[];
  readonly comment?: string;
  readonly includes: OciFilter;
  readonly excludes: OciFilter;
}

export interface OciArchMap {
  readonly architecture: string;
  readonly subArchitectures: readonly string[];
}

export interface OciProfile {
  readonly defaultAction: OciAction;
  readonly defaultErrnoRet?: number;
  readonly architectures: readonly string[];
  readonly archMap: readonly OciArchMap[];
  readonly syscalls: readonly OciSyscall[];
}

export type ProfileResult = { readonly ok: true; readonly profile: OciProfile } | { readonly ok: false; readonly error: string };

class ShapeError extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

const U64_MAX = (1n << 64n) - 1n;

/**
 * Reads a profile from its text. Unknown fields are ignored (runtimes ignore
 * them too); a missing or malformed known field is an error naming it.
 */
export function readProfile(text: string): ProfileResult {
  let root: JsonValue;
  try {
    root = parseJson(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const { line, column } = lineColumn(text, e.offset);
    return { ok: false, error: `not valid JSON at line ${line} column ${column}: ${e.reason}` };
  }
  try {
    return { ok: true, profile: profileOf(root) };
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    const { line, column } = lineColumn(text, e.offset);
    return { ok: false, error: `not a seccomp profile: ${e.message} (line ${line} column ${column})` };
  }
}

type Obj = Extract<JsonValue, { kind: 'object' }>;

function field(o: Obj, key: string): JsonValue | undefined {
  const e = o.entries.find((x) => x.key === key);
  return e?.value;
}

/** A field that is absent or `null` reads as absent (Go's encoding/json does the same). */
function optional(o: Obj, key: string): JsonValue | undefined {
  const v = field(o, key);
  return v?.kind === 'null' ? undefined : v;
}

function object(v: JsonValue, path: string): Obj {
  if (v.kind !== 'object') throw new ShapeError(v.offset, path ? `\`${path}\` must be an object` : 'the document must be a JSON object');
  return v;
}

function array(v: JsonValue, path: string): readonly JsonValue[] {
  if (v.kind !== 'array') throw new ShapeError(v.offset, `\`${path}\` must be an array`);
  return v.items;
}

function str(v: JsonValue, path: string): string {
  if (v.kind !== 'string') throw new ShapeError(v.offset, `\`${path}\` must be a string`);
  return v.value;
}

function strings(v: JsonValue | undefined, path: string): string[] {
  if (v === undefined) return [];
  return array(v, path).map((x, i) => str(x, `${path}[${i}]`));
}

function oneOf<T extends string>(v: JsonValue, path: string, allowed: readonly T[]): T {
  const s = v.kind === 'string' ? v.value : undefined;
  if (s === undefined || !(allowed as readonly string[]).includes(s)) {
    throw new ShapeError(v.offset, `\`${path}\` must be one of ${allowed.join(', ')}${s !== undefined ? ` (found "${s}")` : ''}`);
  }
  return s as T;
}

function integer(v: JsonValue, path: string, max: bigint): bigint {
  if (v.kind !== 'number' || v.integer === undefined || v.integer < 0n || v.integer > max) {
    throw new ShapeError(v.offset, `\`${path}\` must be a whole number from 0 to ${max}`);
  }
  return v.integer;
}

function filterOf(v: JsonValue | undefined, path: string): OciFilter {
  if (v === undefined) return {};
  const o = object(v, path);
  const caps = strings(optional(o, 'caps'), `${path}.caps`);
  const arches = strings(optional(o, 'arches'), `${path}.arches`);
  const mk = optional(o, 'minKernel');
  let minKernel: string | undefined;
  if (mk !== undefined) {
    minKernel = str(mk, `${path}.minKernel`);
    if (!/^\d+\.\d+$/.test(minKernel)) throw new ShapeError(mk.offset, `\`${path}.minKernel\` must be a kernel version like "4.8"`);
  }
  return { ...(caps.length ? { caps } : {}), ...(arches.length ? { arches } : {}), ...(minKernel ? { minKernel } : {}) };
}

function syscallOf(v: JsonValue, path: string): OciSyscall {
  const o = object(v, path);
  const name = optional(o, 'name');
  const namesValue = optional(o, 'names');
  const names = strings(namesValue, `${path}.names`);
  if (name !== undefined) {
    if (names.length) throw new ShapeError(name.offset, `\`${path}\` has both \`name\` and \`names\`; use one`);
    names.push(str(name, `${path}.name`));
  }
  if (names.length === 0) throw new ShapeError(o.offset, `\`${path}.names\` must list at least one syscall`);
  names.forEach((n, i) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(n)) throw new ShapeError((namesValue?.kind === 'array' ? namesValue.items[i] : name)?.offset ?? o.offset, `\`${path}.names[${i}]\` is not a syscall name: "${n}"`);
  });
  const actionValue = field(o, 'action');
  if (actionValue === undefined) throw new ShapeError(o.offset, `\`${path}.action\` is missing`);
  const action = oneOf(actionValue, `${path}.action`, OCI_ACTIONS);
  const errnoValue = optional(o, 'errnoRet');
  let errnoRet: number | undefined;
  if (errnoValue !== undefined) {
    errnoRet = Number(integer(errnoValue, `${path}.errnoRet`, 0xffffn));
    if (action !== 'SCMP_ACT_ERRNO' && action !== 'SCMP_ACT_TRACE') {
      throw new ShapeError(errnoValue.offset, `\`${path}.errnoRet\` is only for SCMP_ACT_ERRNO and SCMP_ACT_TRACE (the action is ${action})`);
    }
  }
  const argsValue = optional(o, 'args');
  const args = argsValue === undefined ? [] : array(argsValue, `${path}.args`).map((a, i) => argOf(a, `${path}.args[${i}]`));
  const commentValue = optional(o, 'comment');
  const comment = commentValue === undefined ? undefined : str(commentValue, `${path}.comment`);
  return {
    path, names, action, ...(errnoRet !== undefined ? { errnoRet } : {}), args,
    ...(comment ? { comment } : {}),
    includes: filterOf(optional(o, 'includes'), `${path}.includes`),
    excludes: filterOf(optional(o, 'excludes'), `${path}.excludes`),
  };
}

function argOf(v: JsonValue, path: string): OciArg {
  const o = object(v, path);
  const need = (key: string) => {
    const x = field(o, key);
    if (x === undefined) throw new ShapeError(o.offset, `\`${path}.${key}\` is missing`);
    return x;
  };
  const index = Number(integer(need('index'), `${path}.index`, 5n));
  const value = integer(need('value'), `${path}.value`, U64_MAX);
  const two = optional(o, 'valueTwo');
  const valueTwo = two === undefined ? 0n : integer(two, `${path}.valueTwo`, U64_MAX);
  const op = oneOf(need('op'), `${path}.op`, OCI_OPS);
  return { index, value, valueTwo, op };
}

function profileOf(root: JsonValue): OciProfile {
  const o = object(root, '');
  const d = field(o, 'defaultAction');
  if (d === undefined) throw new ShapeError(o.offset, '`defaultAction` is missing');
  const defaultAction = oneOf(d, 'defaultAction', OCI_ACTIONS);
  const der = optional(o, 'defaultErrnoRet');
  const defaultErrnoRet = der === undefined ? undefined : Number(integer(der, 'defaultErrnoRet', 0xffffn));
  const architectures = strings(optional(o, 'architectures'), 'architectures');
  const amv = optional(o, 'archMap');
  const archMap = amv === undefined ? [] : array(amv, 'archMap').map((x, i) => {
    const m = object(x, `archMap[${i}]`);
    const a = field(m, 'architecture');
    if (a === undefined) throw new ShapeError(m.offset, `\`archMap[${i}].architecture\` is missing`);
    return { architecture: str(a, `archMap[${i}].architecture`), subArchitectures: strings(optional(m, 'subArchitectures'), `archMap[${i}].subArchitectures`) };
  });
  if (architectures.length && archMap.length) {
    throw new ShapeError(amv!.offset, 'a profile has `architectures` or `archMap`, not both');
  }
  const sv = optional(o, 'syscalls');
  const syscalls = sv === undefined ? [] : array(sv, 'syscalls').map((x, i) => syscallOf(x, `syscalls[${i}]`));
  return { defaultAction, ...(defaultErrnoRet !== undefined ? { defaultErrnoRet } : {}), architectures, archMap, syscalls };
}
