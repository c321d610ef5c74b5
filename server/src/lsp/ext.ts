/**
 * The editor features beyond LSP, typed once for both sides (as
 * rust-analyzer's `lsp_ext`): the language server implements them
 * (`lsp/`), the extension calls them (`client/`). Nothing else names these
 * methods; no call site spells a method string.
 *
 * Only plain data crosses: URIs as strings, 0-based LSP positions, numbers
 * as JSON numbers or hex strings where they can exceed 2^53.
 *
 * Flow of a run: `seccomp/run` answers at once with a run id (or the reason
 * it cannot run); the server then sends `seccomp/runEvents` notifications
 * (rows in batches, program output) and exactly one `seccomp/runFinished`.
 * `seccomp/stopRun` kills the program; `runFinished` still follows.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { Location, Range, WorkspaceEdit } from 'vscode-languageserver-types';

/** Prefix of every custom method. */
export const EXT_PREFIX = 'seccomp/';

// ── compile ──────────────────────────────────────────────────────────────

export type CompileFormat = 'disasm' | 'c' | 'json' | 'raw';

export interface CompileParams {
  /** The policy (a `file:` or `untitled:` URI); the open buffer wins over the disk. */
  readonly uri: string;
  readonly format: CompileFormat;
  /** Restrict to these ABIs (default: the policy's `arch`). */
  readonly abis?: readonly string[];
}

/** One line of the listing (0-based) and the policy range it comes from. */
export interface ListingLink {
  readonly line: number;
  readonly location: Location;
}

export type CompileResult =
  | {
    readonly ok: true;
    /** The output; for `raw`, base64 of the `struct sock_filter[]` bytes. */
    readonly text: string;
    readonly instructions: number;
    readonly abis: readonly string[];
    /** For `disasm`: each listing line that came from a policy line. */
    readonly links: readonly ListingLink[];
  }
  | NotRunnable;

/** Why a compile, run or learn did not happen; `location` is where to take the user. */
export interface NotRunnable {
  readonly ok: false;
  /** `policy-errors`, `too-large`, `no-helper`, `unsupported-platform`, `untrusted`, `bad-request`, `io`. */
  readonly reason: NotRunnableReason;
  /** One sentence for the user. */
  readonly message: string;
  readonly location?: Location;
}

export type NotRunnableReason =
  | 'policy-errors' | 'too-large' | 'no-helper' | 'unsupported-platform' | 'untrusted' | 'bad-request' | 'io';

export const compileRequest = new RequestType<CompileParams, CompileResult, void>(`${EXT_PREFIX}compile`);

// ── run ──────────────────────────────────────────────────────────────────

export type RunMode = 'enforce' | 'permissive';

export interface RunParams {
  readonly uri: string;
  /** The program and its arguments; argv[0] is looked up in PATH. */
  readonly argv: readonly string[];
  /** Default: the policy's folder. */
  readonly cwd?: string;
  /** Added to the server's environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly mode: RunMode;
  /** Default `before-exec`. */
  readonly install?: 'before-exec' | 'after-exec';
  /** Seconds; the program is killed after it. */
  readonly timeout?: number;
  /** Bytes of strings shown (strace -s). */
  readonly stringLimit?: number;
  /**
   * Ask mode (mode `enforce` only): the program runs untraced and each call the
   * policy does not simply allow waits for `seccomp/runAnswer` (see "ask mode" below).
   */
  readonly ask?: boolean;
}

export type RunResult = { readonly ok: true; readonly runId: string } | NotRunnable;

export const runRequest = new RequestType<RunParams, RunResult, void>(`${EXT_PREFIX}run`);

/** How a decision is shown: the action's family. */
export type DecisionKind = 'allow' | 'log' | 'errno' | 'trap' | 'trace' | 'notify' | 'kill' | 'none';

/** One traced syscall, attributed. */
export interface TraceRow {
  /** 0-based position in the run, so the client can tell what was dropped. */
  readonly seq: number;
  readonly pid: number;
  /** Milliseconds since the run started. */
  readonly time: number;
  readonly syscall: string;
  readonly abi: string | undefined;
  /** strace's form: `openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3`. */
  readonly text: string;
  /** `allow`, `errno(EPERM)`, `kill_process`, … (the language's spelling). */
  readonly action: string;
  readonly kind: DecisionKind;
  /** `policy.seccomp:7`, `policy.seccomp:2 (default)`, `badarch`. */
  readonly where: string;
  /** The policy range that decided (rule, default or badarch statement). */
  readonly location?: Location;
  /** enforced, permissive (what would have happened) or unfiltered (before the filter). */
  readonly applied: 'enforced' | 'permissive' | 'unfiltered';
  /** The raw register values, hex, for "Allow with these arguments" (rows the filter did not simply allow). */
  readonly args?: readonly string[];
  /** The syscall failed (a negative return). */
  readonly failed: boolean;
}

/** Something that is not a syscall: a signal, an exit, a spawn, an exec. */
export interface TraceNote {
  readonly seq: number;
  readonly pid: number;
  readonly time: number;
  readonly text: string;
}

/** What many rows of a run share: the syscall, the decision and the rule that made it. */
export interface RowShape {
  readonly syscall: string;
  readonly abi: string | undefined;
  readonly action: string;
  readonly kind: DecisionKind;
  readonly where: string;
  readonly location?: Location;
  readonly applied: TraceRow['applied'];
}

/**
 * A batch of rows in columns (`lsp/rowColumns.ts` encodes and decodes it).
 * Rows as objects spent two thirds of the panel's time in JSON and in the
 * webview's structured clone (issue 9: ~390 bytes per row, most of it the
 * same syscall, decision and rule again); in columns, what repeats is sent
 * once per batch as a shape and each row is a few numbers and its text.
 */
export interface RowColumns {
  /** The shapes of this batch's rows; `shape[i]` indexes it. */
  readonly shapes: readonly RowShape[];
  readonly seq: readonly number[];
  readonly pid: readonly number[];
  readonly time: readonly number[];
  readonly shape: readonly number[];
  readonly text: readonly string[];
  /** Indices (into this batch) of the rows whose syscall failed. */
  readonly failed: readonly number[];
  /** The raw registers (hex) of rows the filter did not simply allow, by index: for "Allow with these arguments". */
  readonly args: Readonly<Record<number, readonly string[]>>;
}

export interface RunEventsParams {
  readonly runId: string;
  readonly rows: RowColumns;
  readonly notes?: readonly TraceNote[];
  /** The program's output since the last batch. */
  readonly stdout?: string;
  readonly stderr?: string;
}

/** Sent in batches (at most every 50 ms or 2,000 rows). */
export const runEventsNotification = new NotificationType<RunEventsParams>(`${EXT_PREFIX}runEvents`);

/** One line of the `strace -c`-like summary. */
export interface SummaryRow {
  readonly syscall: string;
  readonly calls: number;
  readonly errors: number;
  /** Count per action text, e.g. `{ allow: 10, "errno(EPERM)": 2 }`. */
  readonly decisions: Readonly<Record<string, number>>;
  /** Whether any call was denied (sorted first). */
  readonly denied: boolean;
  readonly location?: Location;
}

/** How often a rule decided, for coverage in the editor. */
export interface RuleCoverage {
  readonly location: Location;
  readonly count: number;
}

export interface RunFinishedParams {
  readonly runId: string;
  /** The program's exit status, or 128 + signal; undefined when it never started. */
  readonly status: number | undefined;
  /** One sentence: "killed by SIGSYS: `mprotect` denied by the default action at policy.seccomp:2". */
  readonly sentence: string;
  /** The first row that killed the program, if one did. */
  readonly fatalSeq?: number;
  readonly summary: readonly SummaryRow[];
  /** Every rule of the policy, with how often it decided (0 = never reached). */
  readonly coverage: readonly RuleCoverage[];
  readonly syscalls: number;
  /** Set when the run failed for a reason of ours (no helper, bad filter…). */
  readonly error?: string;
}

export const runFinishedNotification = new NotificationType<RunFinishedParams>(`${EXT_PREFIX}runFinished`);

export interface StopRunParams { readonly runId: string }
export const stopRunRequest = new RequestType<StopRunParams, { readonly stopped: boolean }, void>(`${EXT_PREFIX}stopRun`);

// ── ask mode ─────────────────────────────────────────────────────────────
//
// A run with `RunParams.ask` (docs/trace-protocol.md, "Ask mode"; server side
// driver/ask.ts): a call the policy does not simply allow waits in the kernel.
// The server sends `seccomp/runAsk` once per new question — the syscall and
// the values of the arguments the policy reads; later calls with the same key
// get the remembered answer — one question at a time, and the panel answers
// with `seccomp/runAnswer`. Pointer arguments are never read (the kernel's
// notifier cannot read them race-free), so a question shows them as addresses.
// `seccomp/stopRun` drops the open question and kills the program.
// Each answered call, asked or remembered, is a row of `seccomp/runEvents` (allowed
// calls are never seen); `seccomp/runFinished` closes the open question and carries no
// coverage. Without Linux 5.6 the run ends at once with the helper's reason as `error`.

/** allow once (this run), allow always (the rule is added to the policy), deny with an errno, kill the process. */
export type AskAnswerKind = 'allow' | 'always' | 'deny' | 'kill';

export interface RunAskParams {
  readonly runId: string;
  /** Names the question in the answer. */
  readonly questionId: string;
  readonly pid: number;
  readonly syscall: string;
  readonly abi?: string;
  /** The call with its register arguments: `mkdirat(dirfd=-100, pathname=0x7ffd…, mode=0o755)`. */
  readonly call: string;
  /** What the policy itself says: `kill_process`, `errno(EACCES)`, … */
  readonly action: string;
  /** Its deciding line as text (`policy.seccomp:3`, `… (default)`) and, when known, its range. */
  readonly where: string;
  readonly location?: Location;
  /** The arguments the decision depends on, as the policy writes them; empty: the syscall alone. */
  readonly decidedOn: readonly { readonly name: string; readonly value: string }[];
}

export const runAskNotification = new NotificationType<RunAskParams>(`${EXT_PREFIX}runAsk`);

export interface RunAnswerParams {
  readonly runId: string;
  readonly questionId: string;
  readonly answer: AskAnswerKind;
  /** With `deny`: the errno (default EPERM). */
  readonly errno?: number;
}

export interface RunAnswerResult {
  /** False when the run or the question is gone (stopped, finished, already answered). */
  readonly accepted: boolean;
  /** With `always`: the edit adding the rule (as `seccomp/allowSyscall` returns it), for the client to apply. */
  readonly edit?: WorkspaceEdit;
  readonly message?: string;
}

export const runAnswerRequest = new RequestType<RunAnswerParams, RunAnswerResult, void>(`${EXT_PREFIX}runAnswer`);

// ── fixing the policy from a run ─────────────────────────────────────────

export interface AllowSyscallParams {
  readonly uri: string;
  readonly syscall: string;
  readonly abi?: string;
  /** With the row's arguments: a rule conditioned on them; without: the plain syscall. */
  readonly args?: readonly string[];
}

/** The edit the server proposes (the client applies it, or the server does through `workspace/applyEdit`). */
export interface AllowSyscallResult {
  readonly edit: WorkspaceEdit | undefined;
  /** Where the new rule goes, to reveal it. */
  readonly range?: Range;
  readonly message?: string;
}

export const allowSyscallRequest = new RequestType<AllowSyscallParams, AllowSyscallResult, void>(`${EXT_PREFIX}allowSyscall`);

// ── learn ────────────────────────────────────────────────────────────────

export interface LearnParams {
  readonly argv: readonly string[];
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly abis?: readonly string[];
  readonly timeout?: number;
}

export type LearnResult = { readonly ok: true; readonly text: string; readonly warning?: string } | NotRunnable;

export const learnRequest = new RequestType<LearnParams, LearnResult, void>(`${EXT_PREFIX}learn`);

// ── server health ────────────────────────────────────────────────────────

export interface ServerStatusParams {
  readonly health: 'ok' | 'warning' | 'error';
  /** e.g. "trace helper missing: …". */
  readonly message?: string;
  /** Whether runs are possible here (Linux, helper present, trusted). */
  readonly canRun: boolean;
}

export const serverStatusNotification = new NotificationType<ServerStatusParams>(`${EXT_PREFIX}serverStatus`);

/** The policy's facts for the language status item. */
export interface PolicyInfoParams { readonly uri: string }
export interface PolicyInfoResult {
  readonly abis: readonly string[];
  /** Undefined when the policy has errors. */
  readonly instructions: number | undefined;
  readonly errors: number;
}
export const policyInfoRequest = new RequestType<PolicyInfoParams, PolicyInfoResult, void>(`${EXT_PREFIX}policyInfo`);

/** All syscalls with a one-line summary, for "Show Syscall Documentation". */
export interface SyscallListItem { readonly name: string; readonly summary: string }
export const syscallListRequest = new RequestType<{ readonly abi?: string }, readonly SyscallListItem[], void>(`${EXT_PREFIX}syscallList`);
export const syscallDocRequest = new RequestType<{ readonly name: string; readonly uri?: string }, { readonly markdown: string } | null, void>(`${EXT_PREFIX}syscallDoc`);
