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
import { buildPolicyModel, buildPolicyModelInSteps } from '../policy/semantics/build';
import { getCodeLenses } from './codeLens';
import { doComplete, doResolveCompletion } from './completion';
import { findDefinition } from './definition';
import { diagnoseAndCompile } from '../compiler/diagnose';
import { getFoldingRanges } from './folding';
import { doHover } from './hover';
import { getInlayHints } from './inlayHints';
import { findReferences } from './references';
import { doRename, prepareRename, type PrepareRenameResult, type RenameResult } from './rename';
import { getSelectionRanges } from './selectionRanges';
import { getSemanticTokens, SEMANTIC_TOKENS_LEGEND } from './semanticTokens';
import { findDocumentSymbols } from './symbols';
import { toLspDiagnostics } from './validate';
import {
  DEFAULT_SETTINGS, type Analysis, type DirectoryEntry, type FeatureContext, type LintLevel, type PolicyDocument, type ServiceHost,
  type ServiceSettings,
} from './context';

export { SEMANTIC_TOKENS_LEGEND, DEFAULT_SETTINGS };
export type { Analysis, DirectoryEntry, FeatureContext, LintLevel, PolicyDocument, ServiceHost, ServiceSettings };
export type { PrepareRenameResult, RenameResult };

export interface PolicyService {
  /** Parses, resolves and checks; cached per document version. */
  analyze(doc: PolicyDocument): Analysis;
  /**
   * `analyze` cut in steps, for a caller that yields to other work between
   * them: each `next()` does one part (resolve the model; check and
   * compile it) and the last returns the analysis, cached as `analyze`'s.
   */
  analyzeInSteps(doc: PolicyDocument): Generator<void, Analysis>;
  /** Whether `doc` (this version and text) is analysed already. */
  isAnalyzed(doc: PolicyDocument): boolean;
  /**
   * The document as it was at its last analysis, whatever the version
   * since (kept when an include's change invalidates it): what a request
   * may be answered from while the current version is being checked. Any
   * feature given this very object answers from that analysis.
   */
  lastAnalyzed(uri: string): PolicyDocument | undefined;
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
  /** Forgets cached analyses (after an included file changed); `lastAnalyzed` still answers. */
  invalidate(uri?: string): void;
  /** Forgets everything about a document (it was closed). */
  forget(uri: string): void;
}

export interface PolicyServiceParams {
  readonly host: ServiceHost;
  readonly settings?: Partial<ServiceSettings>;
  /**
   * Settings that differ for one document (a folder's own settings in a
   * multi-root workspace), over the service's; undefined: the service's.
   */
  readonly scopedSettings?: (uri: string) => Partial<ServiceSettings> | undefined;
}

export function createPolicyService(params: PolicyServiceParams): PolicyService {
  const { host } = params;
  const cache = new Map<string, { version: number; text: string; analysis: Analysis }>();
  /** Per URI, the last document analysed and its analysis: survives `invalidate`, so requests have a model while a check runs. */
  const last = new Map<string, { doc: PolicyDocument; analysis: Analysis }>();
  let settings: ServiceSettings = { ...DEFAULT_SETTINGS, ...params.settings };

  function cached(doc: PolicyDocument): Analysis | undefined {
    const pinned = last.get(doc.uri);
    if (pinned?.doc === doc) return pinned.analysis;
    const hit = cache.get(doc.uri);
    return hit && hit.version === doc.version && hit.text === doc.text ? hit.analysis : undefined;
  }

  function* analyzeInSteps(doc: PolicyDocument): Generator<void, Analysis> {
    const hit = cached(doc);
    if (hit) return hit;
    let analysis: Analysis;
    if (doc.text.length > settings.maxDocumentLength) {
      const model = buildPolicyModel({ path: doc.path, text: '' }, { readFile: () => ({ error: 'not read' }) });
      analysis = {
        model, diagnostics: [],
        skipped: `this document is too large to analyse (${doc.text.length} characters; the limit is ${settings.maxDocumentLength})`,
      };
    } else {
      const model = yield* buildPolicyModelInSteps({ path: doc.path, text: doc.text }, host);
      yield;
      // Another caller may have finished this analysis meanwhile.
      const done = cached(doc);
      if (done) return done;
      const { diagnostics, program } = diagnoseAndCompile(model);
      analysis = { model, diagnostics, program };
    }
    cache.set(doc.uri, { version: doc.version, text: doc.text, analysis });
    last.set(doc.uri, { doc: { uri: doc.uri, path: doc.path, version: doc.version, text: doc.text }, analysis });
    return analysis;
  }

  function analyze(doc: PolicyDocument): Analysis {
    const steps = analyzeInSteps(doc);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  }

  const settingsOf = (doc: PolicyDocument): ServiceSettings => {
    const own = params.scopedSettings?.(doc.uri);
    return own ? { ...settings, ...own } : settings;
  };
  const ctx = (doc: PolicyDocument): FeatureContext => ({ doc, analysis: analyze(doc), settings: settingsOf(doc), host });

  return {
    analyze,
    analyzeInSteps,
    isAnalyzed: (doc) => cached(doc) !== undefined,
    lastAnalyzed: (uri) => last.get(uri)?.doc,
    doValidation: (doc) => toLspDiagnostics(analyze(doc), doc, settingsOf(doc)),
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
      // The last analysis will do: an edit elsewhere in the document rarely changes its includes, and its check follows.
      const known = last.get(doc.uri)?.analysis ?? analyze(doc);
      return [...known.model.files.keys()].filter((p) => p !== doc.path);
    },
    configure(s) {
      const next = { ...settings, ...s };
      if (JSON.stringify(next) === JSON.stringify(settings)) return;
      settings = next;
      cache.clear();
      last.clear();
    },
    get settings() {
      return settings;
    },
    invalidate(uri) {
      if (uri) cache.delete(uri);
      else cache.clear();
    },
    forget(uri) {
      cache.delete(uri);
      last.delete(uri);
    },
  };
}
