/**
 * The messages between the trace panel's page (client/webview/) and the
 * extension host (client/src/panel/). Plain data only: both sides import
 * these types, and nothing here touches the DOM, Node or the vscode API.
 */
import type { Location } from 'vscode-languageserver-types';
import type { AskAnswerKind, RowColumns, RunAskParams, RunFinishedParams, RunMode, TraceNote, TraceRow } from '../../server/src/lsp/ext';

/** What was run: shown in the panel's header, and enough to run it again. */
export interface RunHeader {
  readonly runId: string;
  /** The policy's URI (the server's key for it). */
  readonly policyUri: string;
  /** The policy's name for the user (`policy.seccomp`). */
  readonly policyLabel: string;
  readonly argv: readonly string[];
  readonly mode: RunMode;
  /** Ask mode: calls the policy does not simply allow wait for the user's answer (a question card). */
  readonly ask?: boolean;
  /** When the run started (ms since the epoch), for "ran at". */
  readonly startedAt: number;
}

/** Everything the panel shows, to restore it after a reload or when shown again. */
export interface PanelSnapshot {
  readonly header: RunHeader | undefined;
  readonly rows: readonly TraceRow[];
  readonly notes: readonly TraceNote[];
  /** Rows that were dropped before the first of `rows` (bounded memory). */
  readonly dropped: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly finished: RunFinishedParams | undefined;
  /** A reason the run never started, shown instead of rows. */
  readonly problem?: string;
  /** Ask mode: the question waiting for an answer (the card), while the run lasts. */
  readonly question?: RunAskParams;
}

/** The page's own view state, kept with `setState` (filters, scroll). */
export interface PageState {
  readonly snapshot?: PanelSnapshot;
  readonly filter?: TraceFilter;
}

export type DecisionFilter = '' | 'denied' | TraceRow['kind'];

export interface TraceFilter {
  /** Substring of the strace text, the action or the rule. */
  readonly text: string;
  /** Exact syscall name, or empty. */
  readonly syscall: string;
  /** A pid, or empty. */
  readonly pid: string;
  readonly decision: DecisionFilter;
}

export const EMPTY_FILTER: TraceFilter = { text: '', syscall: '', pid: '', decision: '' };

export type HostToPage =
  /** A new run starts: forget the previous rows. */
  | { readonly type: 'reset'; readonly header: RunHeader; readonly maxRows?: number }
  /** Rows, notes and output of the current run, in batches. */
  | {
    readonly type: 'events';
    readonly runId: string;
    /** In columns, as the server sent them (a structured clone of row objects cost more than the page's own work). */
    readonly rows: readonly RowColumns[];
    readonly notes?: readonly TraceNote[];
    readonly stdout?: string;
    readonly stderr?: string;
  }
  | { readonly type: 'finished'; readonly finished: RunFinishedParams }
  /** The whole state (after the page was reloaded); large traces come in several parts. */
  | { readonly type: 'restore'; readonly snapshot: PanelSnapshot; readonly more: boolean; readonly maxRows?: number }
  /** The run could not start: why. */
  | { readonly type: 'problem'; readonly message: string }
  /** Ask mode: a call waits for an answer; the page shows the question card. */
  | { readonly type: 'ask'; readonly question: RunAskParams }
  /** The question is closed (answered, or refused with `message`): the card goes. */
  | { readonly type: 'asked'; readonly questionId: string; readonly message?: string };

export type PageToHost =
  /** The page has loaded and wants the state (a fresh page after hide/show or reload). */
  | { readonly type: 'ready' }
  | { readonly type: 'reveal'; readonly location: Location }
  | { readonly type: 'allow'; readonly seq: number; readonly withArgs: boolean }
  /** Run again; `ask`: in ask mode (default: as the last run). */
  | { readonly type: 'rerun'; readonly mode?: RunMode; readonly ask?: boolean }
  /** Ask mode: the user's answer to the open question. */
  | { readonly type: 'answer'; readonly questionId: string; readonly answer: AskAnswerKind }
  | { readonly type: 'stop' }
  | { readonly type: 'save'; readonly format: 'text' | 'json' };

/** Whether a decision stopped the syscall (what "Allow this syscall" is offered for). */
export function isDenied(kind: TraceRow['kind']): boolean {
  return kind === 'errno' || kind === 'trap' || kind === 'kill' || kind === 'trace' || kind === 'notify';
}
