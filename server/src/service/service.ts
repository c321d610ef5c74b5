/**
 * The policy language service: editor features as plain functions over a
 * document, in the style of vscode-json-languageservice. It speaks LSP's
 * data types (offsets become positions only here) but knows no connection,
 * no file system and no `vscode`: I/O comes in through `ServiceHost`.
 *
 * Each document is analysed once per version (`analyze`); every feature
 * reads that one analysis.
 */
import type {
  CodeLens, CompletionItem, CompletionList, Diagnostic, DocumentSymbol, FoldingRange, Hover, InlayHint, Location,
  Position, Range, SelectionRange, SemanticTokens,
} from 'vscode-languageserver-types';
import type { Abi } from '../kernel/abi';
import type { PolicyDiagnostic } from '../policy/diagnostics';
import { buildPolicyModel } from '../policy/semantics/build';
import type { PolicyHost, PolicyModel } from '../policy/semantics/model';
import { getCodeLenses } from './codeLens';
import { doComplete, doResolveCompletion } from './completion';
import { findDefinition } from './definition';
import { diagnoseModel } from '../compiler/diagnose';
import { getFoldingRanges } from './folding';
import { doHover } from './hover';
import { getInlayHints } from './inlayHints';
import { findReferences } from './references';
import { doRename, prepareRename, type PrepareRenameResult, type RenameResult } from './rename';
import { getSelectionRanges } from './selectionRanges';
import { getSemanticTokens, SEMANTIC_TOKENS_LEGEND } from './semanticTokens';
import { findDocumentSymbols } from './symbols';
import { toLspDiagnostics } from './validate';

export { SEMANTIC_TOKENS_LEGEND };
export type { PrepareRenameResult, RenameResult };

export interface PolicyDocument {
  /** The document's URI, echoed back in results. */
  readonly uri: string;
  /** The path includes are resolved against (the URI's file path, or the URI when it has none). */
  readonly path: string;
  readonly version: number;
  readonly text: string;
}

/** One entry of a directory, for completing `include` paths. */
export interface DirectoryEntry {
  readonly name: string;
  readonly isDirectory: boolean;
}

export interface ServiceHost extends PolicyHost {
  /** Lists a directory (absolute path); undefined when it cannot be read. Used to complete `include` paths. */
  listDirectory?(path: string): readonly DirectoryEntry[] | undefined;
}

export interface Analysis {
  readonly model: PolicyModel;
  readonly diagnostics: readonly PolicyDiagnostic[];
  /** Set when the document was not analysed (too large): the model is that of an empty text. */
  readonly skipped?: string;
}

/** How a group of lints is reported: not at all, or at this severity. */
export type LintLevel = 'off' | 'hint' | 'information' | 'warning' | 'error';

export interface ServiceSettings {
  /** At most this many diagnostics per document. */
  readonly maxNumberOfProblems: number;
  /** ABIs whose numbers, widths and values hovers show; empty: the policy's `arch`. */
  readonly abis: readonly Abi[];
  readonly inlayHints: {
    /** Show each syscall's number for the first ABI after its name. */
    readonly syscallNumbers: boolean;
  };
  readonly lint: {
    /** `dangerous-syscall`: allowances that weaken a sandbox. */
    readonly dangerous: LintLevel;
    /** The other hints of §8 (redundant rule, missing on an ABI, prefer ENOSYS, execve denied, obsolete). */
    readonly hints: LintLevel;
  };
  /**
   * Documents longer than this (UTF-16 units) get one diagnostic instead of
   * an analysis: analysis costs about 1 s per MB.
   */
  readonly maxDocumentLength: number;
}

export const DEFAULT_SETTINGS: ServiceSettings = {
  maxNumberOfProblems: 1000,
  abis: [],
  inlayHints: { syscallNumbers: false },
  lint: { dangerous: 'information', hints: 'information' },
  maxDocumentLength: 1_000_000,
};

/** What each feature receives besides the document: the analysis, the settings and the host. */
export interface FeatureContext {
  readonly doc: PolicyDocument;
  readonly analysis: Analysis;
  readonly settings: ServiceSettings;
  readonly host: ServiceHost;
}

export interface PolicyService {
  /** Parses, resolves and checks; cached per document version. */
  analyze(doc: PolicyDocument): Analysis;
  doValidation(doc: PolicyDocument): Diagnostic[];
  doHover(doc: PolicyDocument, position: Position): Hover | null;
  doComplete(doc: PolicyDocument, position: Position): CompletionList;
  /** Adds documentation to a completion item from `doComplete`. */
  doResolveCompletion(item: CompletionItem): CompletionItem;
  findDefinition(doc: PolicyDocument, position: Position): Location | null;
  findReferences(doc: PolicyDocument, position: Position, includeDeclaration: boolean): Location[];
  prepareRename(doc: PolicyDocument, position: Position): PrepareRenameResult;
  doRename(doc: PolicyDocument, position: Position, newName: string): RenameResult;
  findDocumentSymbols(doc: PolicyDocument): DocumentSymbol[];
  getFoldingRanges(doc: PolicyDocument): FoldingRange[];
  getSelectionRanges(doc: PolicyDocument, positions: readonly Position[]): SelectionRange[];
  getSemanticTokens(doc: PolicyDocument): SemanticTokens;
  getInlayHints(doc: PolicyDocument, range: Range): InlayHint[];
  getCodeLenses(doc: PolicyDocument): CodeLens[];
  /** Paths of the files the document includes (directly or not), for refreshing dependants. */
  includedFiles(doc: PolicyDocument): string[];
  configure(settings: Partial<ServiceSettings>): void;
  readonly settings: ServiceSettings;
  /** Forgets cached analyses (after an included file changed). */
  invalidate(uri?: string): void;
}

export function createPolicyService(params: { host: ServiceHost; settings?: Partial<ServiceSettings> }): PolicyService {
  const { host } = params;
  const cache = new Map<string, { version: number; text: string; analysis: Analysis }>();
  let settings: ServiceSettings = { ...DEFAULT_SETTINGS, ...params.settings };

  function analyze(doc: PolicyDocument): Analysis {
    const hit = cache.get(doc.uri);
    if (hit && hit.version === doc.version && hit.text === doc.text) return hit.analysis;
    let analysis: Analysis;
    if (doc.text.length > settings.maxDocumentLength) {
      const model = buildPolicyModel({ path: doc.path, text: '' }, { readFile: () => ({ error: 'not read' }) });
      analysis = {
        model, diagnostics: [],
        skipped: `this document is too large to analyse (${doc.text.length} characters; the limit is ${settings.maxDocumentLength})`,
      };
    } else {
      const model = buildPolicyModel({ path: doc.path, text: doc.text }, host);
      analysis = { model, diagnostics: diagnoseModel(model) };
    }
    cache.set(doc.uri, { version: doc.version, text: doc.text, analysis });
    return analysis;
  }

  const ctx = (doc: PolicyDocument): FeatureContext => ({ doc, analysis: analyze(doc), settings, host });

  return {
    analyze,
    doValidation: (doc) => toLspDiagnostics(analyze(doc), doc, settings),
    doHover: (doc, position) => doHover(ctx(doc), position),
    doComplete: (doc, position) => doComplete(ctx(doc), position),
    doResolveCompletion: (item) => doResolveCompletion(item, settings),
    findDefinition: (doc, position) => findDefinition(ctx(doc), position),
    findReferences: (doc, position, includeDeclaration) => findReferences(ctx(doc), position, includeDeclaration),
    prepareRename: (doc, position) => prepareRename(ctx(doc), position),
    doRename: (doc, position, newName) => doRename(ctx(doc), position, newName),
    findDocumentSymbols: (doc) => findDocumentSymbols(ctx(doc)),
    getFoldingRanges: (doc) => getFoldingRanges(ctx(doc)),
    getSelectionRanges: (doc, positions) => getSelectionRanges(ctx(doc), positions),
    getSemanticTokens: (doc) => getSemanticTokens(ctx(doc)),
    getInlayHints: (doc, range) => getInlayHints(ctx(doc), range),
    getCodeLenses: (doc) => getCodeLenses(ctx(doc)),
    includedFiles(doc) {
      return [...analyze(doc).model.files.keys()].filter((p) => p !== doc.path);
    },
    configure(s) {
      settings = { ...settings, ...s };
      cache.clear();
    },
    get settings() {
      return settings;
    },
    invalidate(uri) {
      if (uri) cache.delete(uri);
      else cache.clear();
    },
  };
}
