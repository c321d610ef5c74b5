/**
 * Queries over the built-in syscall groups (spec §5). Pure: no I/O.
 */
import type { GroupInfo } from './types';
import { BUILTIN_GROUPS } from './docs/groups';

const BY_NAME: ReadonlyMap<string, GroupInfo> = new Map(BUILTIN_GROUPS.map((g) => [g.name, g]));
const EXPANDED = new Map<string, readonly string[]>();
let CONTAINING: Map<string, readonly string[]> | undefined;

/** The built-in group with this name (including the `@`), if any. */
export function getGroup(name: string): GroupInfo | undefined {
  return BY_NAME.get(name);
}

/** Every built-in group, in declaration order. */
export function allGroups(): readonly GroupInfo[] {
  return BUILTIN_GROUPS;
}

/**
 * The syscall names a built-in group stands for, with nested groups
 * flattened, duplicates removed, sorted. Empty for an unknown group.
 * Nested references that would form a cycle are ignored (the table has none;
 * the unit tests check that).
 */
export function expandGroup(name: string): readonly string[] {
  const cached = EXPANDED.get(name);
  if (cached) return cached;
  if (!BY_NAME.has(name)) return [];
  const out = new Set<string>();
  collect(name, out, new Set<string>());
  const result = Object.freeze([...out].sort());
  EXPANDED.set(name, result);
  return result;
}

function collect(name: string, out: Set<string>, visiting: Set<string>): void {
  const g = BY_NAME.get(name);
  if (!g || visiting.has(name)) return;
  visiting.add(name);
  for (const m of g.members) {
    if (m.startsWith('@')) collect(m, out, visiting);
    else out.add(m);
  }
  visiting.delete(name);
}

/**
 * Names of the built-in groups whose expansion contains this syscall, sorted.
 * `@known` is included for every known syscall.
 */
export function groupsContaining(syscall: string): readonly string[] {
  if (!CONTAINING) {
    CONTAINING = new Map();
    const acc = new Map<string, string[]>();
    for (const g of BUILTIN_GROUPS) {
      for (const s of expandGroup(g.name)) {
        let list = acc.get(s);
        if (!list) acc.set(s, (list = []));
        list.push(g.name);
      }
    }
    for (const [s, list] of acc) CONTAINING.set(s, Object.freeze(list.sort()));
  }
  return CONTAINING.get(syscall) ?? [];
}
