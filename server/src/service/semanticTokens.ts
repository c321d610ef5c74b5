/**
 * Semantic tokens: what each name resolved to, so a theme can tell a
 * syscall from a constant or an argument. Obsolete syscalls carry the
 * `deprecated` modifier; built-in names `defaultLibrary`; the name in a
 * `define` or `group` statement `declaration`.
 */
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-types';
import { getSyscall } from '../kernel/syscalls';
import type { Occurrence } from '../policy/semantics/model';
import { actionOf, occurrencesIn } from './find';
import { isDeclaration } from './references';
import type { FeatureContext } from './context';

const TYPES = ['function', 'parameter', 'enumMember', 'keyword', 'namespace', 'variable', 'type'] as const;
const MODIFIERS = ['declaration', 'readonly', 'deprecated', 'defaultLibrary'] as const;
type TokenType = (typeof TYPES)[number];
type TokenModifier = (typeof MODIFIERS)[number];

export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

interface Raw {
  start: number;
  end: number;
  type: TokenType;
  modifiers: readonly TokenModifier[];
}

function classify(o: Occurrence): Omit<Raw, 'start' | 'end'> | undefined {
  switch (o.kind) {
    case 'syscall':
      return { type: 'function', modifiers: getSyscall(o.name)?.obsolete ? ['defaultLibrary', 'deprecated'] : ['defaultLibrary'] };
    case 'argument': return { type: 'parameter', modifiers: [] };
    case 'constant':
    case 'errno': return { type: 'enumMember', modifiers: ['readonly', 'defaultLibrary'] };
    case 'define': return { type: 'variable', modifiers: isDeclaration(o) ? ['declaration', 'readonly'] : ['readonly'] };
    case 'group':
      if (!o.definition) return { type: 'namespace', modifiers: ['defaultLibrary'] };
      return { type: 'namespace', modifiers: isDeclaration(o) ? ['declaration'] : [] };
    case 'abi': return { type: 'type', modifiers: [] };
    case 'include': return undefined;
  }
}

export function getSemanticTokens(ctx: FeatureContext): SemanticTokens {
  const { model } = ctx.analysis;
  const file = model.files.get(ctx.doc.path);
  if (!file) return { data: [] };
  const raw: Raw[] = [];
  for (const o of occurrencesIn(model, file.path)) {
    const c = classify(o);
    if (c) raw.push({ start: o.range.start, end: o.range.end, ...c });
  }
  for (const s of file.ast.statements) {
    const a = actionOf(s);
    if (a) raw.push({ start: a.nameRange.start, end: a.nameRange.end, type: 'keyword', modifiers: [] });
  }
  raw.sort((a, b) => a.start - b.start);
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  let prevEnd = -1;
  for (const t of raw) {
    if (t.start < prevEnd || t.end <= t.start) continue;
    const p = file.lines.positionAt(t.start);
    const e = file.lines.positionAt(t.end);
    if (e.line !== p.line) continue;
    const dl = p.line - prevLine;
    data.push(dl, dl === 0 ? p.character - prevChar : p.character, e.character - p.character, TYPES.indexOf(t.type),
      t.modifiers.reduce((m, x) => m | (1 << MODIFIERS.indexOf(x)), 0));
    prevLine = p.line;
    prevChar = p.character;
    prevEnd = t.end;
  }
  return { data };
}
