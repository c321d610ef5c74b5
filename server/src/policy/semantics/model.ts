/**
 * The semantic model: one resolution of a policy's names, constants and
 * rules that the checker, compiler, simulator, hover and trace attribution
 * all share. Built once per root file; never throws; records diagnostics.
 */
import type { Abi } from '../../kernel/abi';
import type { Expression, PolicyFile, RuleStatement, Statement, SyscallList, TextRange } from '../syntax/ast';
import type { PolicyDiagnostic, RelatedLocation, Severity } from '../diagnostics';
import type { LineIndex } from '../text';
import type { Cond } from './condition';
import type { ActionKind } from '../../kernel/seccomp';
import { cutNamesIn, MAX_NAME_IN_MESSAGE } from '../wording';

export type { ActionKind };

/** An action with its operand resolved for one ABI (`errno(EPERM)` → 1). */
export interface ConcreteAction {
  readonly kind: ActionKind;
  /** errno value, or the `trap`/`trace` data; 0 otherwise. */
  readonly data: number;
}

export interface SourceLocation {
  readonly file: string;
  readonly range: TextRange;
}

/** A parsed file of the policy (the root or an include). */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
  readonly ast: PolicyFile;
  readonly lines: LineIndex;
}

/** A statement after includes were spliced in place, with its file. */
export interface PlacedStatement {
  readonly file: string;
  readonly statement: Statement;
  /** Include depth: 0 in the root file. */
  readonly depth: number;
}

/** One `ACTION LIST [if COND]` statement. */
export interface PolicyRule {
  /** Position in source order after splicing, from 0. */
  readonly index: number;
  readonly file: string;
  readonly statement: RuleStatement;
  /** Syscall names the list resolves to (groups expanded, `except` removed), in list order. */
  readonly syscalls: readonly string[];
  /** Raw numbers from `syscall(N)` items. */
  readonly rawNumbers: readonly number[];
}

/**
 * A rule as it applies to one syscall on one ABI. Its number is the key of
 * `AbiTable.bySyscall`, not a field: an entry that means the same on two
 * ABIs (same action, a condition whose names mean the same) is one object
 * in both tables.
 */
export interface AbiRule {
  readonly rule: PolicyRule;
  /** Syscall name, or `syscall(N)` for raw numbers. */
  readonly syscall: string;
  readonly condition: Cond;
  readonly action: ConcreteAction;
}

/** Everything the compiler needs for one ABI. */
export interface AbiTable {
  readonly abi: Abi;
  readonly defaultAction: ConcreteAction;
  readonly badarchAction: ConcreteAction;
  /** Rules per syscall number, in source order (first match wins). */
  readonly bySyscall: ReadonlyMap<number, readonly AbiRule[]>;
}

export interface DefineSymbol {
  readonly name: string;
  readonly file: string;
  readonly nameRange: TextRange;
  readonly value: Expression | undefined;
}

export interface GroupSymbol {
  readonly name: string;
  readonly file: string;
  readonly nameRange: TextRange;
  readonly list: SyscallList | undefined;
}

/** What a name in the text refers to; drives hover, definition, rename and semantic tokens. */
export type Occurrence = SourceLocation & (
  | { readonly kind: 'syscall'; readonly name: string }
  | { readonly kind: 'group'; readonly name: string; readonly definition?: SourceLocation }
  | { readonly kind: 'define'; readonly name: string; readonly definition: SourceLocation }
  | { readonly kind: 'constant'; readonly name: string }
  | { readonly kind: 'argument'; readonly name: string; readonly index: number; readonly syscalls: readonly string[] }
  | { readonly kind: 'abi'; readonly name: string }
  | { readonly kind: 'errno'; readonly name: string }
  | { readonly kind: 'include'; readonly target: string }
);

export interface PolicyModel {
  readonly root: string;
  /** Every file that was read, root first. */
  readonly files: ReadonlyMap<string, SourceFile>;
  readonly statements: readonly PlacedStatement[];
  /** The ABIs the filter accepts, in `arch` order (default `x86_64`). */
  readonly abis: readonly Abi[];
  readonly defaultStatement: PlacedStatement | undefined;
  readonly badarchStatement: PlacedStatement | undefined;
  readonly rules: readonly PolicyRule[];
  readonly defines: ReadonlyMap<string, DefineSymbol>;
  readonly groups: ReadonlyMap<string, GroupSymbol>;
  readonly tables: ReadonlyMap<Abi, AbiTable>;
  readonly occurrences: readonly Occurrence[];
  /** The value of each `define` per ABI (absent where it has errors); for hovers. */
  readonly defineValues?: ReadonlyMap<string, ReadonlyMap<Abi, bigint>>;
  /** The syscalls each user group stands for (nested groups flattened), for hovers. */
  readonly groupMembers?: ReadonlyMap<string, readonly string[]>;
  /** Syntax and semantic diagnostics of every file; the checks add more. */
  readonly diagnostics: readonly PolicyDiagnostic[];
}

/** What the model needs from the outside world. */
export interface PolicyHost {
  /** Reads an included file; paths are absolute or relative to the CWD as given. */
  readFile(path: string): { readonly text: string } | { readonly error: string };
  /**
   * Include confinement: the folders whose trees the policy rooted at
   * `root` may include from besides the root file's own folder (workspace
   * folders, `seccompPolicy.includeDirectories`, `--include-dir`), absolute
   * and canonical. Absent: includes are not confined (in-memory hosts).
   */
  includeDirectories?(root: string): readonly string[];
  /**
   * The canonical form of a path (absolute, symbolic links resolved), or
   * undefined when it does not exist. Absent: paths are taken as written.
   */
  realPath?(path: string): string | undefined;
}

/** Collects diagnostics, dropping exact repeats (per-ABI resolution repeats work). */
export class DiagnosticSink {
  readonly list: PolicyDiagnostic[] = [];
  private readonly seen = new Set<string>();

  add(d: PolicyDiagnostic): void {
    if (d.message.length > MAX_NAME_IN_MESSAGE) d = { ...d, message: cutNamesIn(d.message) };
    const key = `${d.file}\0${d.range.start}\0${d.range.end}\0${d.code}\0${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(d);
  }

  report(
    code: string, severity: Severity, file: string, range: TextRange, message: string,
    extra?: { related?: RelatedLocation[]; suggestions?: string[]; tags?: ('unnecessary' | 'deprecated')[] },
  ): void {
    this.add({ code, severity, file, range: { start: range.start, end: range.end }, message: cutNamesIn(message), ...extra });
  }
}

