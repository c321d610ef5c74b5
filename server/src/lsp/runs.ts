/**
 * `seccomp/run`, `seccomp/stopRun` and `seccomp/learn`: traced runs started
 * from the editor. A run answers at once with its id; rows, notes and the
 * program's output follow as `seccomp/runEvents` in batches (at most every
 * 50 ms or 2,000 rows), then exactly one `seccomp/runFinished`.
 *
 * The program never inherits our standard streams: with `--stdio` our
 * stdout is the LSP channel, so its stdin is /dev/null and its output is
 * piped back and sent as text. Rows are sent and forgotten; when the client
 * reads slower than the program makes syscalls, reading the helper's event
 * pipe pauses, so memory stays bounded and the program waits instead.
 *
 * Ask mode (`RunParams.ask`): the run is driver/ask.ts's `AskRun`, whose
 * questions go to the client as `seccomp/runAsk` through a `PanelAnswerer`
 * (askPanel.ts) and come back as `seccomp/runAnswer` (`answer`). There are
 * no syscall events then: each answered call becomes a row (RunReport
 * `answered`). Stopping the run or its end drops the open question.
 */
import type { Connection } from 'vscode-languageserver/node';
import type { Location, WorkspaceEdit } from 'vscode-languageserver-types';
import { abiInfo, lookupAbi, type Abi } from '../kernel/abi';
import { toRaw } from '../compiler/output';
import type { PolicyDiagnostic } from '../policy/diagnostics';
import type { PolicyHost, PolicyModel } from '../policy/semantics/model';
import { runDirectory } from '../driver/files';
import { locateHelper } from '../driver/helper';
import { AskCompileError, AskRun, allowRuleEdit } from '../driver/ask';
import { learnFromRun } from '../driver/learn';
import { checkPolicyText, hostAbi, loadPolicy, type LoadedPolicy } from '../driver/policy';
import { TraceRun, traceFailure, type TraceOutcome } from '../driver/trace';
import type { AskQuestion } from '../trace/ask';
import { PanelAnswerer } from './askPanel';
import {
  runAskNotification, runEventsNotification, runFinishedNotification, type LearnParams, type LearnResult, type NotRunnable,
  type RunAnswerParams, type RunAnswerResult, type RunEventsParams, type RunParams, type RunResult,
} from './ext';
import { rowCount } from './rowColumns';
import { RunReport } from './runReport';

/** A batch goes out after this long, or sooner when it has this many rows. */
const BATCH_MS = 50;
const BATCH_ROWS = 2000;
/** Program output past this many characters in one batch is sent at once. */
const BATCH_OUTPUT = 256 * 1024;
/** Batches written but not yet flushed to the client before the helper's pipe stops being read. */
const MAX_IN_FLIGHT = 4;

/** What the run manager needs from the server around it. */
export interface RunHost {
  readonly connection: Connection;
  /** Open buffers first, then the disk. */
  readonly policyHost: PolicyHost;
  /** The file path of a URI (the URI itself for `untitled:` ones). */
  pathOf(uri: string): string;
  /** The URI of a file path (the editor's URI for open documents). */
  uriOf(path: string): string;
  trusted(): boolean;
  /** The helper path from the settings of the policy's folder (or initializationOptions). */
  helperPath(uri: string | undefined): Promise<string | undefined>;
  /** After a run: coverage for the editor. */
  finished(report: RunReport): void;
}

/** What a run needs of the program it started: a trace (`TraceRun`) or an ask run (`AskRun`). */
type RunningProgram = { stop(): boolean; pause(): void; resume(): void; readonly finished: Promise<TraceOutcome> };

interface ActiveRun {
  readonly trace: { stop(): boolean };
  /** An ask run's open questions. */
  readonly answerer?: PanelAnswerer;
}

function notRunnable(reason: NotRunnable['reason'], message: string, location?: Location): NotRunnable {
  return { ok: false, reason, message, ...(location ? { location } : {}) };
}

const UNTRUSTED = 'running programs is disabled in an untrusted workspace; trust the workspace to run or learn (editing, checking and compiling still work)';

export class RunManager {
  private readonly runs = new Map<string, ActiveRun>();
  private counter = 0;

  constructor(private readonly host: RunHost) {}

  /** The checked, compiled policy at `uri`, or why it cannot be used (with the first error's location). */
  loadChecked(uri: string, abis?: readonly Abi[]): { ok: true; model: PolicyModel; loaded: LoadedPolicy & { ok: true } } | NotRunnable {
    const path = this.host.pathOf(uri);
    const loaded = loadPolicy(path, this.host.policyHost, abis ? { abis } : {});
    if (!loaded.ok) return notRunnable('io', loaded.message);
    const first = loaded.errors[0];
    if (first || !loaded.program) {
      const location = first ? this.locate(loaded.model, first) : undefined;
      if (first?.code === 'filter-too-large') return notRunnable('too-large', first.message, location);
      const n = loaded.errors.length;
      return notRunnable('policy-errors', `the policy has ${n} error${n === 1 ? '' : 's'}; fix ${n === 1 ? 'it' : 'them'} to run it (first: ${first?.message ?? 'unknown'})`, location);
    }
    return { ok: true, model: loaded.model, loaded };
  }

  locate(model: PolicyModel, d: PolicyDiagnostic): Location {
    const lines = model.files.get(d.file)?.lines;
    const range = lines
      ? { start: lines.positionAt(d.range.start), end: lines.positionAt(d.range.end) }
      : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return { uri: this.host.uriOf(d.file), range };
  }

  /** The working directory, environment and helper shared by run and learn, or why not. */
  private async prepare(p: { argv?: unknown; cwd?: unknown; env?: unknown; uri?: string | undefined }): Promise<{ ok: true; helper: string; cwd: string; env: NodeJS.ProcessEnv; argv: string[] } | NotRunnable> {
    if (!Array.isArray(p.argv) || p.argv.length === 0 || !p.argv.every((a) => typeof a === 'string') || p.argv[0] === '') {
      return notRunnable('bad-request', 'give the program to run and its arguments (argv is empty)');
    }
    if (!this.host.trusted()) return notRunnable('untrusted', UNTRUSTED);
    const helper = locateHelper(await this.host.helperPath(p.uri));
    if (!helper.ok) return notRunnable(helper.reason, helper.message);
    const dir = runDirectory(typeof p.cwd === 'string' && p.cwd !== '' ? p.cwd : undefined, p.uri ? this.host.pathOf(p.uri) : '');
    if ('error' in dir) return notRunnable('bad-request', dir.error);
    const cwd = dir.cwd;
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (p.env && typeof p.env === 'object') {
      for (const [k, v] of Object.entries(p.env as Record<string, unknown>)) if (typeof v === 'string') env[k] = v;
    }
    return { ok: true, helper: helper.path, cwd, env, argv: p.argv as string[] };
  }

  async start(params: RunParams): Promise<RunResult> {
    const uri = typeof params?.uri === 'string' ? params.uri : undefined;
    if (!uri) return notRunnable('bad-request', 'the run names no policy (uri)');
    const mode = params.mode === 'permissive' ? 'permissive' : 'enforce';
    const ask = params.ask === true;
    if (ask && mode === 'permissive') return notRunnable('bad-request', 'ask mode enforces the policy: it cannot be permissive');
    const ready = await this.prepare({ ...params, uri });
    if (!ready.ok) return ready;
    // Checked after the await: the buffer as it is now is what runs.
    const checked = this.loadChecked(uri);
    if (!checked.ok) return checked;
    const { model } = checked;
    const program = checked.loaded.program!;
    const runId = `run-${++this.counter}`;
    const report = new RunReport({
      model, program, mode, uriOf: (p) => this.host.uriOf(p), command: ready.argv[0]!,
      ...(typeof params.stringLimit === 'number' && params.stringLimit > 0 ? { stringLimit: Math.floor(params.stringLimit) } : {}),
    });
    const native = hostAbi();
    if (!program.abis.some((a) => abiInfo(a).auditArch === abiInfo(native).auditArch)) {
      report.note(`# warning: the policy does not accept this machine's ABI (${native}; its arch is ${program.abis.join(', ')}): every syscall gets the badarch action`, 0);
    }
    const started = Date.now();
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    let inFlight = 0;
    let paused = false;
    /** Whether a batch with rows went out (the first one is sent at once and written before we read on). */
    let sentRows = false;
    const connection = this.host.connection;

    const flush = (): void => {
      clearTimeout(timer);
      timer = undefined;
      if (report.pending === 0 && !stdout && !stderr) return;
      const { rows, notes } = report.take();
      const firstRows = !sentRows && rowCount(rows) > 0;
      if (firstRows) sentRows = true;
      const batch: RunEventsParams = {
        runId, rows, ...(notes.length ? { notes } : {}), ...(stdout ? { stdout } : {}), ...(stderr ? { stderr } : {}),
      };
      stdout = '';
      stderr = '';
      inFlight++;
      void connection.sendNotification(runEventsNotification, batch).then(settle, settle);
      // After the first rows, stop reading until they are written: vscode-jsonrpc writes on a later
      // turn (setImmediate), and a busy helper pipe would otherwise have us parse thousands more
      // events first, delaying the first row on screen by hundreds of ms (bench/panel.mjs).
      if ((inFlight >= MAX_IN_FLIGHT || firstRows) && !paused) {
        paused = true;
        trace.pause();
      }
    };
    const settle = (): void => {
      inFlight--;
      if (paused && inFlight < MAX_IN_FLIGHT / 2) {
        paused = false;
        trace.resume();
      }
    };
    const soon = (): void => {
      // The first rows go at once rather than after BATCH_MS: the time to the first row on screen is what the user waits for (issue 9).
      // (Rows are pending exactly when syscalls were seen and none was sent yet.)
      if (!sentRows && report.syscalls > 0) flush();
      else if (report.pending >= BATCH_ROWS || stdout.length + stderr.length >= BATCH_OUTPUT) flush();
      else if (!timer && (report.pending > 0 || stdout || stderr)) timer = setTimeout(flush, BATCH_MS);
    };

    const onOutput = (stream: 'stdout' | 'stderr', text: string): void => {
      if (stream === 'stdout') stdout += text;
      else stderr += text;
      soon();
    };
    let trace: RunningProgram;
    let answerer: PanelAnswerer | undefined;
    if (ask) {
      const made = this.startAsk(runId, uri, checked, ready, params, report, started, { soon, flush }, onOutput);
      if (!made.ok) return made;
      ({ trace, answerer } = made);
    } else {
      trace = new TraceRun({
        helper: ready.helper, command: ready.argv, mode, programStdio: 'capture', cwd: ready.cwd, env: ready.env,
        ...(mode === 'enforce' ? { filter: toRaw(program), install: params.install === 'after-exec' ? 'after-exec' : 'before-exec' } : {}),
        ...(typeof params.timeout === 'number' && params.timeout > 0 ? { timeout: params.timeout } : {}),
      }, {
        onEvent: (e) => {
          report.handle(e, Date.now() - started);
          if (report.pending >= BATCH_ROWS) flush();
        },
        onChunk: soon,
        onOutput,
      });
    }
    this.runs.set(runId, { trace, ...(answerer ? { answerer } : {}) });
    void trace.finished.then((outcome) => {
      // A question still open when the program is gone gets no answer (the card goes away with runFinished).
      answerer?.close();
      flush();
      const session = report.session;
      const failure = traceFailure(outcome, session, ready.helper);
      const done = session.done;
      // 126/127 from the helper are the program's problem (not found, not executable), not a failure of ours.
      const notStarted = session.error && (session.error.code === 126 || session.error.code === 127) ? session.error : undefined;
      const status = notStarted ? notStarted.code
        : done ? (done.reason === 'timeout' || done.reason === 'max-procs' ? done.status : done.program >= 0 ? done.program : done.status) : undefined;
      // The helper's own error (a filter the kernel refused, ptrace not permitted) says more than our exit code.
      const error = failure && !outcome.stopped && !notStarted ? (session.error?.message ?? failure.message) : undefined;
      const sentence = report.sentence({ status, stopped: outcome.stopped, error, notStarted });
      // An ask run sees only the calls the policy does not simply allow: it cannot say which rules were
      // reached, so it leaves the editor's coverage as it was and reports none.
      if (!ask) this.host.finished(report);
      void connection.sendNotification(runFinishedNotification, {
        runId, status, sentence, ...(report.fatalSeq !== undefined ? { fatalSeq: report.fatalSeq } : {}),
        summary: report.summary(), coverage: ask ? [] : report.coverage(), syscalls: report.syscalls, ...(error ? { error } : {}),
      });
    }).catch((e: unknown) => {
      connection.console.error(`run ${runId} failed: ${(e as Error)?.stack ?? e}`);
      void connection.sendNotification(runFinishedNotification, {
        runId, status: undefined, sentence: `the run failed: ${(e as Error)?.message ?? e}`, summary: [], coverage: [], syscalls: report.syscalls,
        error: String((e as Error)?.message ?? e),
      });
    }).finally(() => this.runs.delete(runId));
    return { ok: true, runId };
  }

  stop(runId: unknown): { stopped: boolean } {
    const run = typeof runId === 'string' ? this.runs.get(runId) : undefined;
    if (!run) return { stopped: false };
    // The open question first: its call is then killed with the program, not answered.
    run.answerer?.close();
    return { stopped: run.trace.stop() };
  }

  /** `seccomp/runAnswer`: the answer to an ask run's open question. */
  answer(p: RunAnswerParams): RunAnswerResult {
    const runId = typeof p?.runId === 'string' ? p.runId : undefined;
    const run = runId ? this.runs.get(runId) : undefined;
    if (!run?.answerer) return { accepted: false, message: `no ask run '${String(p?.runId)}' is running (it finished or was stopped)` };
    if (typeof p.questionId !== 'string') return { accepted: false, message: 'the answer names no question (questionId)' };
    return run.answerer.receive(p);
  }

  /**
   * The ask run behind `start` (ask: true): AskRun with a PanelAnswerer whose
   * questions go to the client. Rows come from answered calls; `always`
   * returns the edit for the open buffer (the client applies it; the file is
   * never written here).
   */
  private startAsk(
    runId: string, uri: string, checked: { model: PolicyModel; loaded: LoadedPolicy & { ok: true } },
    ready: { helper: string; cwd: string; env: NodeJS.ProcessEnv; argv: string[] }, params: RunParams, report: RunReport, started: number,
    batches: { soon(): void; flush(): void }, onOutput: (stream: 'stdout' | 'stderr', text: string) => void,
  ): { ok: true; trace: RunningProgram; answerer: PanelAnswerer } | NotRunnable {
    const connection = this.host.connection;
    const path = this.host.pathOf(uri);
    const answerer = new PanelAnswerer(runId, {
      send: (q) => {
        // Rows answered so far go out before the question, so the panel shows them with its card.
        batches.flush();
        void connection.sendNotification(runAskNotification, q);
      },
      locate: (q) => report.locationOf(q.decision.origin),
      label: (q) => report.where(q.decision.origin),
      allowEdit: (q) => this.allowEdit(uri, path, q),
    });
    let run: AskRun;
    try {
      run = new AskRun({
        helper: ready.helper, command: ready.argv, policyPath: path, model: checked.model, program: checked.loaded.program!, answerer,
        programStdio: 'capture', cwd: ready.cwd, env: ready.env,
        ...(typeof params.timeout === 'number' && params.timeout > 0 ? { timeout: params.timeout } : {}),
        addRule: (q) => answerer.addRule(q),
        onEvent: (e) => { report.handle(e, Date.now() - started); batches.soon(); },
        onAnswered: (q, a, fresh) => { report.answered(q, a, fresh, Date.now() - started); batches.soon(); },
        onOutput,
      });
    } catch (e) {
      if (e instanceof AskCompileError) return notRunnable('too-large', e.message);
      throw e;
    }
    // Ask runs send only what the filter sends us: few events, no flow control needed.
    return { ok: true, answerer, trace: { stop: () => run.stop(), pause: () => {}, resume: () => {}, finished: run.finished.then((r) => r.outcome) } };
  }

  /** The edit that allows `q`'s call in the policy as it is now (the open buffer first), or why not. */
  private allowEdit(uri: string, path: string, q: AskQuestion): { edit: WorkspaceEdit; rule: string } | { message: string } {
    const read = this.host.policyHost.readFile(path);
    if ('error' in read) return { message: `cannot read the policy: ${read.error}` };
    const loaded = checkPolicyText(path, read.text, this.host.policyHost);
    const made = allowRuleEdit({ model: loaded.model, diagnostics: loaded.diagnostics, program: loaded.program }, { uri, path, version: 0, text: read.text }, q);
    return made ?? { message: `the policy already allows \`${q.syscall}\`` };
  }

  /** Stops every run (the server is shutting down). */
  stopAll(): void {
    for (const r of this.runs.values()) r.trace.stop();
  }

  /** `cancel`: the client's cancellation of the request; the program is stopped and nothing is learned. */
  async learn(params: LearnParams, cancel?: { readonly isCancellationRequested: boolean; onCancellationRequested(listener: () => void): { dispose(): void } }): Promise<LearnResult> {
    const ready = await this.prepare({ ...params, uri: undefined });
    if (!ready.ok) return ready;
    let abis: Abi[] | undefined;
    if (Array.isArray(params.abis) && params.abis.length) {
      abis = [];
      for (const a of params.abis) {
        const info = typeof a === 'string' ? lookupAbi(a) : undefined;
        if (!info) return notRunnable('bad-request', `unknown ABI '${String(a)}'`);
        abis.push(info.name);
      }
    }
    const learnId = `learn-${++this.counter}`;
    let cancelled: { dispose(): void } | undefined;
    const r = await learnFromRun({
      helper: ready.helper, command: ready.argv, programStdio: 'capture', cwd: ready.cwd, env: ready.env,
      ...(typeof params.timeout === 'number' && params.timeout > 0 ? { timeout: params.timeout } : {}),
    }, { ...(abis ? { abis } : {}), date: new Date().toISOString().slice(0, 10) }, (trace) => {
      // Registered like a run so that shutting the server down stops it too.
      this.runs.set(learnId, { trace });
      if (cancel?.isCancellationRequested) trace.stop();
      cancelled = cancel?.onCancellationRequested(() => trace.stop());
    }).finally(() => {
      this.runs.delete(learnId);
      cancelled?.dispose();
    });
    if (cancel?.isCancellationRequested) return notRunnable('io', 'learning was cancelled; the program was stopped and no policy was learned');
    const failure = traceFailure(r.outcome, r, ready.helper);
    if (failure) return notRunnable('io', `learning failed: ${r.error?.message ?? failure.message ?? 'the trace helper failed'}`);
    const done = r.done!;
    if (done.reason === 'timeout' || done.reason === 'max-procs') return notRunnable('io', `the run was cut short (${done.reason === 'timeout' ? 'time limit' : 'process limit'}); no policy was learned`);
    if (r.errors.length) return notRunnable('io', `internal error: the learned policy has errors: ${r.errors.join('; ')}`);
    const program = done.program;
    const warnings: string[] = [];
    if (program === 127) return notRunnable('bad-request', `\`${ready.argv[0]}\` was not found (exit 127)`);
    if (program !== 0) warnings.push(`the program ${program >= 128 ? `was killed by signal ${program - 128}` : `exited with ${program}`}; the policy allows what this failing run did`);
    if (r.learned.dropped.length) warnings.push(`left out (ABIs not asked for): ${r.learned.dropped.join(', ')}`);
    return { ok: true, text: r.learned.text, ...(warnings.length ? { warning: warnings.join('; ') } : {}) };
  }
}
