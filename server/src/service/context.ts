/**
 * What every editor feature receives: the document, its analysis, the
 * settings and the host. Kept apart from service.ts, which imports every
 * feature, so that the features do not import it back.
 */
import type { Abi } from '../kernel/abi';
import type { CompiledProgram } from '../compiler/compile';
import type { PolicyDiagnostic } from '../policy/diagnostics';
import type { PolicyHost, PolicyModel } from '../policy/semantics/model';

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
  /** The compiled filter for the policy's `arch`, from the compile that checked its size; undefined with errors. */
  readonly program?: CompiledProgram | undefined;
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
  /**
   * `seccompPolicy.includeDirectories`: folders includes may read from
   * besides the policy's own folder tree and the workspace folders.
   */
  readonly includeDirectories: readonly string[];
}

export const DEFAULT_SETTINGS: ServiceSettings = {
  maxNumberOfProblems: 1000,
  abis: [],
  inlayHints: { syscallNumbers: false },
  lint: { dangerous: 'information', hints: 'information' },
  maxDocumentLength: 1_000_000,
  includeDirectories: [],
};

/** What each feature receives besides the document: the analysis, the settings and the host. */
export interface FeatureContext {
  readonly doc: PolicyDocument;
  readonly analysis: Analysis;
  readonly settings: ServiceSettings;
  readonly host: ServiceHost;
}
