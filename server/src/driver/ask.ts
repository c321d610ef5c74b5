/**
 * Ask mode, the run (docs/trace-protocol.md, "Ask mode"): the program runs
 * under the policy compiled with `notifyUnlessAllowed`, so every call the
 * policy does not simply allow waits in the kernel while we ask. Each new
 * question (trace/ask.ts: one per syscall and values of the words the
 * filter read) goes to an `Answerer` — the terminal, a scripted answers
 * file, or (later) the editor's trace panel — one at a time; later calls
 * with the same key get the remembered answer at once. `always` also adds
 * the rule to the policy file, with the same edit the editor's "allow this
 * syscall" makes (service/codeActions.ts).
 *
 * No ptrace here: the helper runs the program untraced and only sees the
 * calls the filter sends it (a decisions-only run).
 */
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { ReadStream, WriteStream } from 'node:tty';
import { pathToFileURL } from 'node:url';
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { compilePolicy, type CompiledProgram } from '../compiler/compile';
import { toRaw } from '../compiler/output';
import { LineIndex } from '../policy/text';
import type { PolicyModel } from '../policy/semantics/model';
import { conditionFor } from '../service/argConditions';
import { addRuleEdit, addSyscallEdit } from '../service/codeActions';
import type { Analysis, PolicyDocument } from '../service/context';
import {
  AnswerSyntaxError, answerLine, AskPolicy, isAskEvent, parseAnswer, ScriptedAnswers, type AskAnswer, type AskEvent, type AskQuestion,
} from '../trace/ask';
import type { DoneEvent, ErrorEvent, HelloEvent, TraceEvent } from '../trace/events';
import { fsHost, describeFsError } from './files';
import { checkPolicyText } from './policy';
import { TraceRun, type TraceOutcome } from './trace';

/** Gives the answer to a new question; undefined when it has none (the caller then kills). */
export interface Answerer {
  answer(q: AskQuestion): Promise<AskAnswer | undefined>;
  /** Releases what it holds (the terminal). */
  close?(): void;
}

export interface AskRunOptions {
  readonly helper: string;
  readonly command: readonly string[];
  /** The policy file: `always` edits it. */
  readonly policyPath: string;
  readonly model: PolicyModel;
  /** The policy compiled normally: what it decides, and which words it reads. */
  readonly program: CompiledProgram;
  readonly answerer: Answerer;
  readonly timeout?: number;
  readonly forwardSignals?: boolean;
  readonly programStdio?: 'inherit' | 'capture';
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Descriptors above 2 the program inherits at their numbers (driver/fds.ts). */
  readonly passFds?: readonly number[];
  /** Every answered call: `fresh` when it was asked, not remembered. */
  onAnswered?(q: AskQuestion, a: AskAnswer, fresh: boolean): void;
  /** How `always` adds its rule; default `addAllowRule` on `policyPath` (the language server edits its buffer instead). */
  addRule?(q: AskQuestion): PolicyEditResult;
  /** A rule `always` added to the policy (`added`), or why it did not. */
  onPolicyEdit?(q: AskQuestion, result: PolicyEditResult): void;
  /** A question nobody could answer (the program was killed). */
  onUnanswered?(q: AskQuestion): void;
  onEvent?(e: TraceEvent): void;
  onOutput?(stream: 'stdout' | 'stderr', text: string): void;
}

export type PolicyEditResult = { readonly added: string } | { readonly unchanged: string } | { readonly error: string };

export interface AskRunResult {
  readonly outcome: TraceOutcome;
  readonly hello: HelloEvent | undefined;
  readonly error: ErrorEvent | undefined;
  readonly done: DoneEvent | undefined;
  /** Calls answered, and distinct questions asked. */
  readonly calls: number;
  readonly questions: number;
  readonly unanswered: readonly AskQuestion[];
}

export class AskCompileError extends Error {}

/** The filter of an ask run: not-allowed decisions return USER_NOTIF. */
export function askFilter(model: PolicyModel, program: CompiledProgram): Uint8Array {
  const r = compilePolicy(model, { abis: program.abis, notifyUnlessAllowed: true });
  if (!r.ok) throw new AskCompileError(`the ask filter does not fit (${r.length} instructions)`);
  return toRaw(r.program);
}

export class AskRun {
  readonly finished: Promise<AskRunResult>;
  private readonly policy: AskPolicy;
  private readonly run: TraceRun;
  private readonly inflight = new Map<string, Promise<AskAnswer | undefined>>();
  private queue: Promise<unknown> = Promise.resolve();
  private hello: HelloEvent | undefined;
  private error: ErrorEvent | undefined;
  private done: DoneEvent | undefined;
  private calls = 0;
  private readonly unanswered: AskQuestion[] = [];

  constructor(private readonly o: AskRunOptions) {
    this.policy = new AskPolicy(o.program, o.model);
    const filter = askFilter(o.model, o.program);
    this.run = new TraceRun({
      helper: o.helper, command: o.command, mode: 'enforce', filter, install: 'before-exec', ask: true,
      timeout: o.timeout, forwardSignals: o.forwardSignals, programStdio: o.programStdio, cwd: o.cwd, env: o.env, passFds: o.passFds,
    }, {
      onEvent: (e) => this.onEvent(e),
      onOutput: (s, t) => o.onOutput?.(s, t),
    });
    this.finished = this.run.finished.then(async (outcome) => {
      await this.queue.catch(() => undefined);
      this.o.answerer.close?.();
      return {
        outcome, hello: this.hello, error: this.error, done: this.done, calls: this.calls,
        questions: this.inflight.size, unanswered: this.unanswered,
      };
    });
  }

  stop(): boolean {
    return this.run.stop();
  }

  private onEvent(e: TraceEvent | AskEvent): void {
    if (isAskEvent(e)) {
      this.onAsk(e);
      return;
    }
    const t = e as TraceEvent;
    if (t.type === 'hello') this.hello = t;
    else if (t.type === 'error') this.error = t;
    else if (t.type === 'done') this.done = t;
    this.o.onEvent?.(t);
  }

  private onAsk(e: AskEvent): void {
    const q = this.policy.question(e);
    const known = this.policy.remembered(q);
    if (known) {
      this.reply(e, q, known, false);
      return;
    }
    let pending = this.inflight.get(q.key);
    const fresh = !pending;
    if (!pending) {
      // One question at a time: the next waits for the answer to this one.
      pending = this.queue.then(() => this.o.answerer.answer(q));
      this.queue = pending.catch(() => undefined);
      this.inflight.set(q.key, pending);
    }
    pending.then((a) => {
      if (fresh && a) this.policy.remember(q, a);
      if (fresh && a?.kind === 'always') this.o.onPolicyEdit?.(q, (this.o.addRule ?? ((x: AskQuestion) => addAllowRule(this.o.policyPath, x)))(q));
      if (!a && fresh) {
        this.unanswered.push(q);
        this.o.onUnanswered?.(q);
      }
      this.reply(e, q, a ?? { kind: 'kill' }, fresh);
    }, () => this.reply(e, q, { kind: 'kill' }, fresh));
  }

  private reply(e: AskEvent, q: AskQuestion, a: AskAnswer, fresh: boolean): void {
    this.calls++;
    this.o.onAnswered?.(q, a, fresh);
    this.run.answers?.write(answerLine(e.id, a));
  }
}

// ---- allow always: the policy file ------------------------------------------------------

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(text);
  const byOffset = edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of byOffset) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/**
 * The edit that allows `q`'s call, as the editor's "allow this syscall"
 * makes it: conditioned on the arguments the filter read when any is worth
 * a condition (argConditions.ts), else the whole syscall; undefined when the
 * policy already allows it so. For the language server too, on its buffer.
 */
export function allowRuleEdit(analysis: Analysis, doc: PolicyDocument, q: AskQuestion): { edit: WorkspaceEdit; rule: string } | undefined {
  const abi = q.abi ?? analysis.model.abis[0] ?? 'x86_64';
  const registers = q.args.map((a, r) => (q.readRegisters.includes(r) ? [a] : undefined));
  const cond = q.readRegisters.length ? conditionFor(q.syscall, [{ abi, registers }]) : undefined;
  const rule = cond ? `allow ${q.syscall} if ${cond}` : `allow ${q.syscall}`;
  const edit = cond ? addRuleEdit(analysis, doc, q.syscall, rule) : addSyscallEdit(analysis, doc, q.syscall, 'allow');
  return (edit.changes?.[doc.uri] ?? []).length ? { edit, rule } : undefined;
}

/**
 * `always` in the CLI: `allowRuleEdit` written to the policy file. The file
 * is read again each time, so earlier additions of the same run are kept.
 */
export function addAllowRule(path: string, q: AskQuestion): PolicyEditResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { error: `cannot read ${path}: ${describeFsError(e)}` };
  }
  const loaded = checkPolicyText(path, text, fsHost);
  const analysis: Analysis = { model: loaded.model, diagnostics: loaded.diagnostics, program: loaded.program };
  const doc: PolicyDocument = { uri: pathToFileURL(path).href, path, version: 0, text };
  const made = allowRuleEdit(analysis, doc, q);
  if (!made) return { unchanged: `${path} already allows \`${q.syscall}\`` };
  try {
    writeFileSync(path, applyEdits(text, made.edit.changes![doc.uri]!));
  } catch (e) {
    return { error: `cannot write ${path}: ${describeFsError(e)}` };
  }
  return { added: made.rule };
}

// ---- answerers ----------------------------------------------------------------------------

/** Answers from a file (`run --ask-answers FILE`, trace/ask.ts ScriptedAnswers). */
export function scriptedAnswerer(answers: ScriptedAnswers): Answerer {
  return { answer: (q) => Promise.resolve(answers.answerFor(q)) };
}

/** Reads and parses an answers file; a message when it cannot. */
export function loadAnswersFile(path: string): ScriptedAnswers | { error: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { error: `cannot read ${path}: ${describeFsError(e)}` };
  }
  try {
    return ScriptedAnswers.parse(text);
  } catch (e) {
    if (e instanceof AnswerSyntaxError) return { error: `${path}: ${e.message}` };
    throw e;
  }
}

/** The question as the terminal shows it. */
export function promptText(q: AskQuestion, policyName: string): string {
  const on = q.decidedOn.length ? `decided on ${q.decidedOn.map((a) => `${a.name}=${a.literal}`).join(', ')}` : `decided on the syscall alone`;
  return [
    `seccomp-policy: pid ${q.pid} calls ${q.call}`,
    `  the policy says ${q.action} (${q.where}); ${on}; pointer arguments are never read`,
    `  [a]llow once, allo[w] always (adds a rule to ${policyName}), [d]eny [ERRNO] (EPERM), [k]ill? `,
  ].join('\n');
}

/**
 * Asks on the controlling terminal (/dev/tty), so the program keeps its own
 * standard streams; without one, on standard error and standard input
 * (which the program then shares). End of input answers `kill`.
 */
export function terminalAnswerer(policyName: string): Answerer {
  let rl: Interface | undefined;
  let out: NodeJS.WritableStream = process.stderr;
  let tty: ReadStream | undefined;
  let ended = false;
  let echo = false;
  const lines: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  const open = (): void => {
    if (rl) return;
    let input: NodeJS.ReadableStream = process.stdin;
    try {
      const fd = openSync('/dev/tty', 'r+');
      input = tty = new ReadStream(fd);
      out = new WriteStream(fd);
    } catch { /* no terminal: standard error and input */ }
    rl = createInterface({ input, terminal: false });
    // Typed at a terminal, the answer ends the prompt's line; piped in, it does not.
    echo = !(input as { isTTY?: boolean }).isTTY;
    rl.on('line', (l) => { const w = waiting.shift(); if (w) w(l); else lines.push(l); });
    rl.on('close', () => { ended = true; for (const w of waiting.splice(0)) w(undefined); });
  };
  const readLine = async (prompt: string): Promise<string | undefined> => {
    open();
    out.write(prompt);
    const line = lines.length ? lines.shift() : ended ? undefined : await new Promise<string | undefined>((res) => waiting.push(res));
    if (echo) out.write(`${line ?? ''}\n`);
    return line;
  };
  return {
    async answer(q) {
      let prompt = promptText(q, policyName);
      for (;;) {
        const line = await readLine(prompt);
        if (line === undefined) return { kind: 'kill' };
        try {
          return parseAnswer(line, q.abi);
        } catch (e) {
          if (!(e instanceof AnswerSyntaxError)) throw e;
          prompt = `  ${e.message}; a, w, d [ERRNO] or k? `;
        }
      }
    },
    close() {
      rl?.close();
      tty?.destroy();
    },
  };
}
