/**
 * The policy language service: editor features as plain functions over a
 * document, in the style of vscode-json-languageservice. It speaks LSP's
 * data types (offsets become positions only here) but knows no connection,
 * no file system and no `vscode`: I/O comes in through `ServiceHost`.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import type { PolicyDiagnostic } from '../policy/diagnostics';
import { buildPolicyModel } from '../policy/semantics/build';
import type { PolicyHost, PolicyModel } from '../policy/semantics/model';
import { diagnoseModel } from './diagnose';
import { toLspDiagnostics } from './validate';

export interface PolicyDocument {
  /** The document's URI, echoed back in results. */
  readonly uri: string;
  /** The path includes are resolved against (the URI's file path, or the URI when it has none). */
  readonly path: string;
  readonly version: number;
  readonly text: string;
}

export interface ServiceHost extends PolicyHost {}

export interface Analysis {
  readonly model: PolicyModel;
  readonly diagnostics: readonly PolicyDiagnostic[];
}

export interface ServiceSettings {
  /** At most this many diagnostics per document. */
  readonly maxNumberOfProblems: number;
}

export interface PolicyService {
  /** Parses, resolves and checks; cached per document version. */
  analyze(doc: PolicyDocument): Analysis;
  doValidation(doc: PolicyDocument): Diagnostic[];
  /** Paths of the files the document includes (directly or not), for refreshing dependants. */
  includedFiles(doc: PolicyDocument): string[];
  configure(settings: Partial<ServiceSettings>): void;
  /** Forgets cached analyses (after an included file changed). */
  invalidate(uri?: string): void;
}

export function createPolicyService(params: { host: ServiceHost }): PolicyService {
  const cache = new Map<string, { version: number; text: string; analysis: Analysis }>();
  let settings: ServiceSettings = { maxNumberOfProblems: 1000 };

  function analyze(doc: PolicyDocument): Analysis {
    const hit = cache.get(doc.uri);
    if (hit && hit.version === doc.version && hit.text === doc.text) return hit.analysis;
    const model = buildPolicyModel({ path: doc.path, text: doc.text }, params.host);
    const analysis = { model, diagnostics: diagnoseModel(model) };
    cache.set(doc.uri, { version: doc.version, text: doc.text, analysis });
    return analysis;
  }

  return {
    analyze,
    doValidation(doc) {
      return toLspDiagnostics(analyze(doc), doc, settings.maxNumberOfProblems);
    },
    includedFiles(doc) {
      return [...analyze(doc).model.files.keys()].filter((p) => p !== doc.path);
    },
    configure(s) {
      settings = { ...settings, ...s };
      cache.clear();
    },
    invalidate(uri) {
      if (uri) cache.delete(uri);
      else cache.clear();
    },
  };
}
