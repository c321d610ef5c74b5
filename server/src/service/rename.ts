/**
 * Rename for `define`d names and user groups, across the root and its
 * included files. Built-in names (syscalls, constants, built-in groups)
 * cannot be renamed.
 */
import type { Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { getConstant } from '../kernel/constants';
import { getGroup } from '../kernel/groups';
import { findArg, getSyscall } from '../kernel/syscalls';
import { STATEMENT_KEYWORDS, ACTION_NAMES } from '../policy/syntax/parser';
import type { Occurrence, PolicyModel, PolicyRule } from '../policy/semantics/model';
import { occurrenceAt, offsetOf } from './find';
import { rangeOf, uriOf } from './positions';
import { isDeclaration, sameSymbol } from './references';
import type { FeatureContext } from './context';

export type PrepareRenameResult = { readonly range: Range; readonly placeholder: string } | { readonly error: string };
export type RenameResult = WorkspaceEdit | { readonly error: string };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GROUP = /^[a-z0-9][a-z0-9_-]*$/;
const RESERVED: ReadonlySet<string> = new Set([...STATEMENT_KEYWORDS, ...ACTION_NAMES, 'if', 'in', 'not', 'except', 'syscall']);

function target(ctx: FeatureContext, position: Position): Occurrence | { error: string } {
  const { model } = ctx.analysis;
  const file = model.files.get(ctx.doc.path);
  const occ = file && occurrenceAt(model, ctx.doc.path, offsetOf(file, position));
  if (!occ) return { error: 'Only `define`d names and groups of this policy can be renamed.' };
  if (occ.kind === 'define') return occ;
  if (occ.kind === 'group' && occ.definition) return occ;
  if (occ.kind === 'group') return { error: `\`@${occ.name}\` is a built-in group and cannot be renamed.` };
  if (occ.kind === 'include') return { error: 'An include\'s path cannot be renamed; only `define`d names and groups of this policy can.' };
  return { error: `\`${occ.name}\` is built in (${occ.kind}) and cannot be renamed.` };
}

/** The name's range without a group's `@`. */
function nameRange(model: PolicyModel, o: Occurrence): Range {
  const skip = o.kind === 'group' ? 1 : 0;
  return rangeOf(model, o.file, { start: o.range.start + skip, end: o.range.end });
}

export function prepareRename(ctx: FeatureContext, position: Position): PrepareRenameResult {
  const occ = target(ctx, position);
  if ('error' in occ) return occ;
  return { range: nameRange(ctx.analysis.model, occ), placeholder: 'name' in occ ? occ.name : '' };
}

export function doRename(ctx: FeatureContext, position: Position, newName: string): RenameResult {
  const occ = target(ctx, position);
  if ('error' in occ) return occ;
  const { model } = ctx.analysis;
  let name = newName.trim();
  if (occ.kind === 'group') {
    name = name.replace(/^@/, '');
    if (!GROUP.test(name)) return { error: `\`@${name}\` is not a valid group name (lowercase letters, digits, \`_\` and \`-\`).` };
    if (model.groups.has(name)) return { error: `a group \`@${name}\` already exists.` };
    if (getGroup(`@${name}`)) return { error: `\`@${name}\` would hide the built-in group of that name.` };
  } else {
    if (!IDENTIFIER.test(name) || RESERVED.has(name)) return { error: `\`${name}\` is not a valid name for a define.` };
    if (model.defines.has(name)) return { error: `\`${name}\` is already defined.` };
    if (getConstant(name)) return { error: `\`${name}\` would hide the built-in constant of that name.` };
    const owner = argumentOwnerAtAUse(model, sameSymbol(model, occ), name);
    if (owner) return { error: `\`${name}\` is an argument of \`${owner}\`: in the condition that uses this define it would mean the argument, not the define.` };
  }
  const changes: Record<string, TextEdit[]> = {};
  for (const o of sameSymbol(model, occ)) {
    const uri = uriOf(ctx.doc, o.file);
    (changes[uri] ??= []).push({ range: nameRange(model, o), newText: name });
  }
  return { changes };
}

/**
 * A syscall of a rule whose condition uses the define (one of `uses`) and
 * that has an argument called `name`: there an argument name wins over a
 * define (spec §10), so the renamed use would silently read the argument.
 */
function argumentOwnerAtAUse(model: PolicyModel, uses: readonly Occurrence[], name: string): string | undefined {
  for (const use of uses) {
    if (isDeclaration(use)) continue;
    const rule = model.rules.find((r) => r.file === use.file && inConditionOf(r, use.range.start));
    if (!rule) continue;
    if (rule.rawNumbers.length > 0 && /^arg[0-5]$/.test(name)) return `syscall(${rule.rawNumbers[0]})`;
    const owner = rule.syscalls.find((s) => {
      const info = getSyscall(s);
      return info !== undefined && findArg(info, name) !== undefined;
    });
    if (owner) return owner;
  }
  return undefined;
}

/** Whether `offset` lies in the rule's condition. */
function inConditionOf(rule: PolicyRule, offset: number): boolean {
  const c = rule.statement.condition;
  return c !== undefined && c.start <= offset && offset < c.end;
}
