/**
 * Ask mode for the editor: an `Answerer` (driver/ask.ts) whose questions go
 * to the trace panel as `seccomp/runAsk` and whose answers come back as
 * `seccomp/runAnswer` (lsp/ext.ts). A run started with `RunParams.ask`
 * gives `AskRun` one of these; the request handler for `seccomp/runAnswer`
 * calls `receive`. For `always` the answer carries the edit that adds the
 * rule (driver/ask.ts `allowRuleEdit`, the same as `seccomp/allowSyscall`),
 * for the client to apply to the buffer; the file is not written here.
 */
import type { Location, WorkspaceEdit } from 'vscode-languageserver-types';
import type { Answerer, PolicyEditResult } from '../driver/ask';
import { EPERM, type AskAnswer, type AskQuestion } from '../trace/ask';
import type { RunAnswerParams, RunAnswerResult, RunAskParams } from './ext';

export interface PanelAnswererHost {
  send(params: RunAskParams): void;
  /** The range of the policy line behind a question's decision, when it is known. */
  locate?(q: AskQuestion): Location | undefined;
  /** The deciding line as rows show it (`policy.seccomp:3`); default: the question's own `where`. */
  label?(q: AskQuestion): string;
  /** The edit allowing the question's call (undefined: already allowed, with why). */
  allowEdit(q: AskQuestion): { edit: WorkspaceEdit; rule: string } | { message: string };
}

interface Open {
  readonly question: AskQuestion;
  readonly resolve: (a: AskAnswer | undefined) => void;
}

export class PanelAnswerer implements Answerer {
  private readonly open = new Map<string, Open>();
  private counter = 0;
  private closed = false;
  /** Rules the client was given for `always`, for AskRunOptions.addRule. */
  private readonly rules = new Map<string, string>();

  constructor(readonly runId: string, private readonly host: PanelAnswererHost) {}

  answer(q: AskQuestion): Promise<AskAnswer | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const questionId = String(++this.counter);
    return new Promise((resolve) => {
      this.open.set(questionId, { question: q, resolve });
      const location = this.host.locate?.(q);
      this.host.send({
        runId: this.runId, questionId, pid: q.pid, syscall: q.syscall, ...(q.abi ? { abi: q.abi } : {}), call: q.call,
        action: q.action, where: this.host.label?.(q) ?? q.where, ...(location ? { location } : {}),
        decidedOn: q.decidedOn.map((a) => ({ name: a.name, value: a.literal })),
      });
    });
  }

  /** `seccomp/runAnswer` for this run. */
  receive(p: RunAnswerParams): RunAnswerResult {
    const open = this.open.get(p.questionId);
    if (!open) return { accepted: false, message: 'this question is no longer open (the run stopped, or it was answered)' };
    let answer: AskAnswer;
    let result: RunAnswerResult = { accepted: true };
    switch (p.answer) {
      case 'allow': answer = { kind: 'allow' }; break;
      case 'kill': answer = { kind: 'kill' }; break;
      case 'deny': {
        const errno = p.errno ?? EPERM;
        if (!Number.isInteger(errno) || errno < 1 || errno > 4095) return { accepted: false, message: `errno ${String(p.errno)} is not between 1 and 4095` };
        answer = { kind: 'deny', errno };
        break;
      }
      case 'always': {
        answer = { kind: 'always' };
        const made = this.host.allowEdit(open.question);
        if ('edit' in made) {
          this.rules.set(open.question.key, made.rule);
          result = { accepted: true, edit: made.edit, message: made.rule };
        } else {
          result = { accepted: true, message: made.message };
        }
        break;
      }
      default:
        return { accepted: false, message: `'${String(p.answer)}' is not an answer (allow, always, deny, kill)` };
    }
    this.open.delete(p.questionId);
    open.resolve(answer);
    return result;
  }

  /** AskRunOptions.addRule: the rule went to the client with the answer. */
  addRule(q: AskQuestion): PolicyEditResult {
    const rule = this.rules.get(q.key);
    return rule ? { added: rule } : { unchanged: `the policy already allows \`${q.syscall}\`` };
  }

  /** The run is over or stopped: open questions get no answer (the helper kills what still waits). */
  close(): void {
    this.closed = true;
    for (const o of this.open.values()) o.resolve(undefined);
    this.open.clear();
  }
}
