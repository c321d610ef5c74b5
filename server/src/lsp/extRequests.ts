/**
 * The custom requests that answer from the policy alone (no process):
 * `seccomp/compile`, `seccomp/policyInfo`, `seccomp/allowSyscall`,
 * `seccomp/syscallList`, `seccomp/syscallDoc`. Types in ext.ts.
 */
import { basename } from 'node:path';
import type { Range, WorkspaceEdit } from 'vscode-languageserver-types';
import { ABIS, lookupAbi, type Abi } from '../kernel/abi';
import { allSyscalls, getSyscall } from '../kernel/syscalls';
import type { CompiledProgram } from '../compiler/compile';
import { toCHeader, toDisassembly, toJson, toRaw } from '../compiler/output';
import { programStats } from '../compiler/stats';
import { originStatement, type Origin } from '../compiler/sourcemap';
import type { PolicyModel } from '../policy/semantics/model';
import { addRuleEdit, addSyscallEdit } from '../service/codeActions';
import { conditionFor } from '../service/argConditions';
import { describeSyscall } from '../service/hover';
import type { PolicyDocument, PolicyService } from '../service/service';
import type {
  AllowSyscallParams, AllowSyscallResult, CompileParams, CompileResult, ListingLink, PolicyInfoResult, SyscallListItem,
} from './ext';
import type { RunManager } from './runs';

export interface ExtContext {
  readonly service: PolicyService;
  readonly runs: RunManager;
  /** The open document, or the file read from disk (version 0); undefined when neither exists. */
  document(uri: string): PolicyDocument | undefined;
  uriOf(path: string): string;
}

function parseAbis(list: unknown): { abis?: Abi[]; error?: string } {
  if (!Array.isArray(list) || list.length === 0) return {};
  const abis: Abi[] = [];
  for (const a of list) {
    const info = typeof a === 'string' ? lookupAbi(a) : undefined;
    if (!info) return { error: `unknown ABI '${String(a)}'` };
    abis.push(info.name);
  }
  return { abis };
}

export function compileRequest(ctx: ExtContext, p: CompileParams): CompileResult {
  const uri = typeof p?.uri === 'string' ? p.uri : undefined;
  if (!uri) return { ok: false, reason: 'bad-request', message: 'the request names no policy (uri)' };
  const format = p.format ?? 'disasm';
  if (!['disasm', 'c', 'json', 'raw'].includes(format)) return { ok: false, reason: 'bad-request', message: `unknown format '${String(format)}' (disasm, c, json, raw)` };
  const parsed = parseAbis(p.abis);
  if (parsed.error) return { ok: false, reason: 'bad-request', message: parsed.error };
  const checked = ctx.runs.loadChecked(uri, parsed.abis);
  if (!checked.ok) return checked;
  const { model } = checked;
  const missing = parsed.abis?.filter((a) => !model.abis.includes(a)) ?? [];
  if (missing.length) return { ok: false, reason: 'bad-request', message: `${missing.join(', ')} is not in the policy's arch (${model.abis.join(', ')})` };
  const program = checked.loaded.program!;
  const path = model.root;
  let text: string;
  switch (format) {
    case 'raw': text = Buffer.from(toRaw(program)).toString('base64'); break;
    case 'c': text = toCHeader(program, basename(path).replace(/\.seccomp$/, '') + '_filter', basename(path)); break;
    case 'json': text = toJson(program, programStats(program)) + '\n'; break;
    default: text = toDisassembly(program);
  }
  return { ok: true, text, instructions: program.instructions.length, abis: program.abis, links: format === 'disasm' ? listingLinks(ctx, model, program) : [] };
}

/** Each listing line (one per instruction) whose instruction comes from a rule, the default or badarch. */
function listingLinks(ctx: ExtContext, model: PolicyModel, program: CompiledProgram): ListingLink[] {
  const cache = new Map<string, ListingLink['location'] | undefined>();
  const locationOf = (o: Origin) => {
    const placed = originStatement(o, model);
    if (!placed) return undefined;
    const key = o.kind === 'rule' ? `r${o.rule}` : o.kind;
    if (cache.has(key)) return cache.get(key);
    const lines = model.files.get(placed.file)!.lines;
    const loc = { uri: ctx.uriOf(placed.file), range: { start: lines.positionAt(placed.statement.start), end: lines.positionAt(placed.statement.end) } };
    cache.set(key, loc);
    return loc;
  };
  // Who decides at each pc: its own origin; for a RET shared by value, every range returning it and
  // every jump edge into it; for a dispatch jump straight to a RET, the origins of its edges.
  const origins: Origin[][] = program.instructions.map(() => []);
  const { instructions: sources, ranges } = program.sourceMap;
  program.instructions.forEach((ins, pc) => {
    const src = sources[pc]!;
    if (src.origin.kind === 'ranges') {
      for (const r of ranges) if (r.ret === ins.k) origins[pc]!.push(r.origin);
    } else origins[pc]!.push(src.origin);
    if (src.edges?.true) {
      origins[pc]!.push(src.edges.true);
      origins[pc + 1 + ins.jt]?.push(src.edges.true);
    }
    if (src.edges?.false) {
      origins[pc]!.push(src.edges.false);
      origins[pc + 1 + ins.jf]?.push(src.edges.false);
    }
  });
  const links: ListingLink[] = [];
  origins.forEach((list, pc) => {
    const seen = new Set<ListingLink['location']>();
    for (const o of list) {
      const loc = locationOf(o);
      if (loc && !seen.has(loc)) {
        seen.add(loc);
        links.push({ line: pc, location: loc });
      }
    }
  });
  return links;
}

export function policyInfoRequest(ctx: ExtContext, uri: unknown): PolicyInfoResult {
  const doc = typeof uri === 'string' ? ctx.document(uri) : undefined;
  if (!doc) return { abis: [], instructions: undefined, errors: 0 };
  const analysis = ctx.service.analyze(doc);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
  return { abis: analysis.model.abis, instructions: analysis.program?.instructions.length, errors };
}

export function allowSyscallRequest(ctx: ExtContext, p: AllowSyscallParams): AllowSyscallResult {
  const doc = typeof p?.uri === 'string' ? ctx.document(p.uri) : undefined;
  if (!doc) return { edit: undefined, message: 'the policy is neither open nor readable' };
  const syscall = typeof p.syscall === 'string' ? p.syscall : '';
  if (!/^[a-z0-9_]+$/.test(syscall) && !/^syscall\(\d+\)$/.test(syscall)) return { edit: undefined, message: `'${syscall}' is not a syscall name` };
  const analysis = ctx.service.analyze(doc);
  if (analysis.skipped) return { edit: undefined, message: analysis.skipped };
  let edit: WorkspaceEdit;
  let cond: string | undefined;
  if (Array.isArray(p.args) && p.args.length > 0) {
    const abi = (typeof p.abi === 'string' ? lookupAbi(p.abi)?.name : undefined) ?? analysis.model.abis[0] ?? ABIS[0]!.name;
    const regs = p.args.map((a) => (typeof a === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(a) ? [a] : undefined));
    cond = conditionFor(syscall, [{ abi, registers: regs }]);
  }
  if (cond) edit = addRuleEdit(analysis, doc, syscall, `allow ${syscall} if ${cond}`);
  else edit = addSyscallEdit(analysis, doc, syscall, 'allow');
  const edits = edit.changes?.[doc.uri] ?? [];
  if (edits.length === 0) return { edit: undefined, message: `the policy already allows \`${syscall}\`` };
  const at = edits[0]!.range.start;
  const range: Range = { start: at, end: at };
  const message = cond ? `allow \`${syscall}\` when ${cond}` : `allow \`${syscall}\``;
  return { edit, range, message };
}

export function syscallListRequest(abi: unknown): SyscallListItem[] {
  const a = typeof abi === 'string' ? lookupAbi(abi)?.name : undefined;
  return allSyscalls().filter((s) => !a || s.numbers[a] !== undefined).map((s) => ({ name: s.name, summary: s.summary }));
}

export function syscallDocRequest(ctx: ExtContext, name: unknown, uri: unknown): { markdown: string } | null {
  if (typeof name !== 'string' || !getSyscall(name)) return null;
  const doc = typeof uri === 'string' ? ctx.document(uri) : undefined;
  const abis = doc ? ctx.service.analyze(doc).model.abis : ['x86_64' as Abi];
  const markdown = describeSyscall(name, abis);
  return markdown ? { markdown } : null;
}
