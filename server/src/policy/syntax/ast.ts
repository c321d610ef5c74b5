/**
 * The syntax tree of a `.seccomp` file. Every node keeps its source range
 * as UTF-16 offsets into the file's text (what editors and LSP use), so
 * every later stage can point back at the text.
 *
 * The parser never fails: missing pieces are `undefined` (and a syntax
 * diagnostic says why), so consumers must tolerate partial nodes.
 */
import type { ActionName } from '../../kernel/seccomp';

/** Half-open range of offsets `[start, end)` into one file's text. */
export interface TextRange {
  readonly start: number;
  readonly end: number;
}

interface NodeBase extends TextRange {}

/** A plain identifier: syscall name, argument, constant, define, ABI name. */
export interface Identifier extends NodeBase {
  readonly kind: 'Identifier';
  readonly name: string;
}

/** `@name`: the text includes the `@`, `name` does not. */
export interface GroupName extends NodeBase {
  readonly kind: 'GroupName';
  readonly name: string;
  /** The lexer reported this name as invalid (`@Foo`, a lone `@`); checkers should not report it again. */
  readonly malformed?: boolean;
}

export interface IntegerLiteral extends NodeBase {
  readonly kind: 'IntegerLiteral';
  /** Non-negative value of the literal (a unary minus is a separate node). */
  readonly value: bigint;
  readonly text: string;
  /** The lexer reported this literal as invalid (`0x`, `12ab`); `value` is then 0n and meaningless. */
  readonly malformed?: boolean;
}

export interface StringLiteral extends NodeBase {
  readonly kind: 'StringLiteral';
  /** The value with escapes resolved. */
  readonly value: string;
}

/** `syscall(N)`: a raw syscall number in a list. */
export interface RawSyscall extends NodeBase {
  readonly kind: 'RawSyscall';
  readonly number: IntegerLiteral | undefined;
}

export type ListItem = Identifier | GroupName | RawSyscall;

/** `item, item except item, item` */
export interface SyscallList extends NodeBase {
  readonly kind: 'SyscallList';
  readonly items: readonly ListItem[];
  /** Present (possibly empty) when the `except` keyword was written. */
  readonly except: readonly ListItem[] | undefined;
  readonly exceptKeyword: TextRange | undefined;
}

/** The action names are seccomp's (kernel/seccomp.ts), which the kernel docs share without the syntax tree. */
export type { ActionName };

export interface Action extends NodeBase {
  readonly kind: 'Action';
  readonly name: ActionName;
  /** Range of the action keyword alone. */
  readonly nameRange: TextRange;
  /**
   * The parenthesised operand: `errno(EPERM)` / `errno(13)` / `trap(N)` /
   * `trace(N)`. `undefined` when absent (or when it could not be parsed).
   */
  readonly argument: Expression | undefined;
}

export type BinaryOperator =
  | '||' | '&&'
  | '==' | '!=' | '<' | '<=' | '>' | '>='
  | '|' | '&' | '<<' | '>>';

export type UnaryOperator = '!' | '~' | '-';

export interface BinaryExpression extends NodeBase {
  readonly kind: 'BinaryExpression';
  readonly operator: BinaryOperator;
  readonly operatorRange: TextRange;
  readonly left: Expression;
  /** Missing when the text stopped after the operator. */
  readonly right: Expression | undefined;
}

export interface UnaryExpression extends NodeBase {
  readonly kind: 'UnaryExpression';
  readonly operator: UnaryOperator;
  readonly operand: Expression | undefined;
}

/** `subject in (a, b)` / `subject not in (a, b)` */
export interface InExpression extends NodeBase {
  readonly kind: 'InExpression';
  readonly negated: boolean;
  readonly subject: Expression;
  readonly values: readonly Expression[];
}

export interface ParenthesizedExpression extends NodeBase {
  readonly kind: 'ParenthesizedExpression';
  readonly expression: Expression | undefined;
}

export type Expression =
  | Identifier
  | IntegerLiteral
  | BinaryExpression
  | UnaryExpression
  | InExpression
  | ParenthesizedExpression;

export interface ArchStatement extends NodeBase {
  readonly kind: 'ArchStatement';
  readonly keyword: TextRange;
  readonly abis: readonly Identifier[];
}

export interface DefaultStatement extends NodeBase {
  readonly kind: 'DefaultStatement';
  readonly keyword: TextRange;
  readonly action: Action | undefined;
}

export interface BadarchStatement extends NodeBase {
  readonly kind: 'BadarchStatement';
  readonly keyword: TextRange;
  readonly action: Action | undefined;
}

export interface IncludeStatement extends NodeBase {
  readonly kind: 'IncludeStatement';
  readonly keyword: TextRange;
  readonly path: StringLiteral | undefined;
}

export interface DefineStatement extends NodeBase {
  readonly kind: 'DefineStatement';
  readonly keyword: TextRange;
  readonly name: Identifier | undefined;
  readonly value: Expression | undefined;
}

export interface GroupStatement extends NodeBase {
  readonly kind: 'GroupStatement';
  readonly keyword: TextRange;
  readonly name: GroupName | undefined;
  readonly list: SyscallList | undefined;
}

export interface RuleStatement extends NodeBase {
  readonly kind: 'RuleStatement';
  readonly action: Action;
  readonly list: SyscallList | undefined;
  /** Range of the `if` keyword, when written. */
  readonly ifKeyword: TextRange | undefined;
  readonly condition: Expression | undefined;
}

export type Statement =
  | ArchStatement
  | DefaultStatement
  | BadarchStatement
  | IncludeStatement
  | DefineStatement
  | GroupStatement
  | RuleStatement;

/** A comment, kept for the formatter and folding. `text` includes the `#`. */
export interface Comment extends TextRange {
  readonly text: string;
}

export interface PolicyFile extends NodeBase {
  readonly kind: 'PolicyFile';
  readonly statements: readonly Statement[];
  readonly comments: readonly Comment[];
}

export type Node =
  | PolicyFile
  | Statement
  | Action
  | SyscallList
  | ListItem
  | Expression
  | StringLiteral;
