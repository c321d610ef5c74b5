/**
 * The outline: settings (arch, default, badarch), includes, defines,
 * groups, and rules grouped by action, in the document's own statements.
 */
import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver-types';
import type { PolicyModel, SourceFile } from '../policy/semantics/model';
import type { ActionName, Statement, TextRange } from '../policy/syntax/ast';
import type { FeatureContext } from './context';

const MAX_NAME = 60;

export function findDocumentSymbols(ctx: FeatureContext): DocumentSymbol[] {
  const { model } = ctx.analysis;
  const file = model.files.get(ctx.doc.path);
  if (!file) return [];
  const out: DocumentSymbol[] = [];
  const byAction = new Map<string, DocumentSymbol>();
  const range = (r: TextRange): Range => file.lines.rangeAt(r);
  const sym = (name: string, detail: string, kind: SymbolKind, whole: TextRange, selection: TextRange, children?: DocumentSymbol[]): DocumentSymbol => ({
    name: name || '?', detail, kind, range: range(whole), selectionRange: range(selection), ...(children ? { children } : {}),
  });
  for (const s of file.ast.statements) {
    switch (s.kind) {
      case 'ArchStatement':
        out.push(sym('arch', s.abis.map((a) => a.name).join(', '), SymbolKind.Property, s, s.keyword));
        break;
      case 'DefaultStatement':
      case 'BadarchStatement':
        out.push(sym(s.kind === 'DefaultStatement' ? 'default' : 'badarch', s.action ? slice(file, s.action) : '', SymbolKind.Property, s, s.keyword));
        break;
      case 'IncludeStatement':
        out.push(sym(s.path ? `include "${s.path.value}"` : 'include', '', SymbolKind.File, s, s.path ?? s.keyword));
        break;
      case 'DefineStatement':
        if (s.name) out.push(sym(s.name.name, s.value ? slice(file, s.value) : '', SymbolKind.Constant, s, s.name));
        break;
      case 'GroupStatement':
        if (s.name) {
          const n = model.groupMembers?.get(s.name.name)?.length;
          out.push(sym(`@${s.name.name}`, n === undefined ? '' : `${n} syscalls`, SymbolKind.Array, s, s.name));
        }
        break;
      case 'RuleStatement': {
        const action = actionLabel(file, s);
        let parent = byAction.get(action);
        if (!parent) {
          parent = sym(action, '', SymbolKind.Event, s, s.action.nameRange, []);
          byAction.set(action, parent);
          out.push(parent);
        } else {
          // The group spans from its first rule to its last.
          parent.range = { start: parent.range.start, end: range(s).end };
        }
        const list = s.list ? slice(file, s.list) : '';
        const detail = s.condition ? `if ${slice(file, s.condition)}` : '';
        parent.children!.push(sym(shorten(list), shorten(detail), SymbolKind.Function, s, s.list ?? s.action.nameRange));
        parent.detail = `${parent.children!.length} rule${parent.children!.length === 1 ? '' : 's'}`;
        break;
      }
    }
  }
  return out;
}

/** `allow`, `errno(EPERM)`, `kill_process` (with `kill` shown as `kill_process`). */
function actionLabel(file: SourceFile, s: Statement & { kind: 'RuleStatement' }): string {
  const name: ActionName = s.action.name === 'kill' ? 'kill_process' : s.action.name;
  if (!s.action.argument) return name;
  return `${name}(${slice(file, s.action.argument)})`;
}

function slice(file: SourceFile, r: TextRange): string {
  return file.text.slice(r.start, r.end).replace(/\s+/g, ' ');
}

function shorten(s: string): string {
  return s.length > MAX_NAME ? `${s.slice(0, MAX_NAME - 1)}…` : s;
}

export type { PolicyModel };
