/**
 * Checks of open documents, run a step per turn of the event loop
 * (`PolicyService.analyzeInSteps`) so that requests and edits that arrive
 * meanwhile are handled between the steps: vscode-jsonrpc handles one
 * message per `setImmediate`, and a check takes turns with it. A check
 * whose document changed (or that was cancelled) stops at its next step
 * and never reports: its diagnostics would be stale.
 */
import type { PolicyDocument, PolicyService } from '../service/service';

interface Task {
  readonly doc: PolicyDocument;
  cancelled: boolean;
  done?: Promise<PolicyDocument | undefined>;
}

export class Checks {
  private readonly tasks = new Map<string, Task>();

  constructor(
    private readonly service: PolicyService,
    /** The document at `uri` as it is now (undefined: closed). */
    private readonly current: (uri: string) => PolicyDocument | undefined,
    private readonly onError: (uri: string, error: unknown) => void,
  ) {}

  /**
   * Analyses the document as it is now, in steps. Resolves with the
   * document analysed, or undefined when it changed, closed or was
   * cancelled before the end. When the analysis throws, `onError` is told
   * and the document is resolved all the same: the caller's own use of the
   * analysis fails the same way and says so where the user sees it.
   * A check of the same version already running is shared.
   */
  run(uri: string): Promise<PolicyDocument | undefined> {
    const doc = this.current(uri);
    if (!doc) return Promise.resolve(undefined);
    const running = this.tasks.get(uri);
    if (running && !running.cancelled && this.same(running.doc, doc)) return running.done!;
    if (running) running.cancelled = true;
    const task: Task = { doc, cancelled: false };
    const steps = this.service.analyzeInSteps(doc);
    task.done = new Promise((resolve) => {
      const finish = (result: PolicyDocument | undefined) => {
        if (this.tasks.get(uri) === task) this.tasks.delete(uri);
        resolve(result);
      };
      let analysed = false;
      const step = () => {
        const now = this.current(uri);
        if (task.cancelled || !now || !this.same(now, doc)) return finish(undefined);
        // Still current one turn after the last step (an edit read meanwhile was handled): report.
        if (analysed) return finish(doc);
        try {
          analysed = !!steps.next().done;
        } catch (e) {
          this.onError(uri, e);
          return finish(doc);
        }
        afterPendingMessages(step);
      };
      afterPendingMessages(step);
    });
    this.tasks.set(uri, task);
    return task.done;
  }

  /** Whether a check of this version of the document is under way. */
  isRunning(doc: PolicyDocument): boolean {
    const t = this.tasks.get(doc.uri);
    return !!t && !t.cancelled && this.same(t.doc, doc);
  }

  cancel(uri: string): void {
    const t = this.tasks.get(uri);
    if (t) t.cancelled = true;
  }

  cancelAll(): void {
    for (const t of this.tasks.values()) t.cancelled = true;
  }

  private same(a: PolicyDocument, b: PolicyDocument): boolean {
    return a.version === b.version && a.text === b.text;
  }
}

/**
 * Runs `f` after the messages read meanwhile were handled. A message read
 * from the client is handled in a `setImmediate` queued when it is read
 * (the poll phase); an immediate queued now would run before it, so the
 * next step is queued one turn later.
 */
export function afterPendingMessages(f: () => void): void {
  setImmediate(() => setImmediate(f));
}
