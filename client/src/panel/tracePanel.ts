/**
 * The trace panel's host side: one webview panel showing the last run.
 * The page (client/webview/, bundled to dist/webview.js) only displays and
 * asks; this side owns the run's state (`TraceSession`), forwards the
 * server's batches to the page at most every BATCH_MS, replays everything
 * when a fresh page loads (after the panel was hidden, or a window reload
 * through the serializer), and turns the page's requests into actions.
 */
import * as vscode from 'vscode';
import type { AskAnswerKind, RunAnswerResult, RunAskParams, RunEventsParams, RunFinishedParams, RunMode, TraceRow } from '../../../server/src/lsp/ext';
import type { HostToPage, PageState, PageToHost, RunHeader } from '../../shared/panelProtocol';
import { encodeRows } from '../../../server/src/lsp/rowColumns';
import { TraceSession } from './traceSession';

export const TRACE_VIEW_TYPE = 'seccompPolicy.trace';
/** Forward rows to the page at most this often: one message per frame-ish, not one per notification. */
const BATCH_MS = 50;
/** Rows per message when replaying a large trace into a fresh page. */
const RESTORE_CHUNK = 10_000;

/** What the panel's buttons do; the extension supplies them (see runs.ts). */
export interface TracePanelActions {
  reveal(location: vscode.Location): Promise<void>;
  allow(header: RunHeader, row: TraceRow, withArgs: boolean): Promise<void>;
  /** `ask`: in ask mode (undefined: as `header` ran). */
  rerun(header: RunHeader, mode: RunMode, ask?: boolean): Promise<void>;
  /** Ask mode: sends the answer; `always` applies the returned edit to the policy's buffer. */
  answer(header: RunHeader, questionId: string, answer: AskAnswerKind): Promise<RunAnswerResult>;
  stop(header: RunHeader): Promise<void>;
  save(session: TraceSession, format: 'text' | 'json'): Promise<void>;
}

export class TracePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private pageReady = false;
  private pending: RunEventsParams[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  session: TraceSession;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly actions: TracePanelActions,
    private readonly maxRows: () => number,
  ) {
    this.session = new TraceSession(maxRows());
  }

  /** The serializer: VS Code reopens the panel after a reload with the page's last state. */
  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(TRACE_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        const snapshot = (state as PageState | undefined)?.snapshot;
        if (snapshot && !this.session.header) this.session = TraceSession.fromSnapshot(snapshot, this.maxRows());
        // A run cannot survive a reload: the server that ran it is gone.
        if (this.session.header && !this.session.finished && !this.session.problem) this.session.problem = 'The window was reloaded while the program ran; run it again.';
        this.session.question = undefined;
        this.attach(panel);
      },
    });
  }

  get visible(): boolean {
    return this.panel?.visible ?? false;
  }

  get webview(): vscode.Webview | undefined {
    return this.panel?.webview;
  }

  /** Shows the panel beside the policy, creating it if needed. */
  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(TRACE_VIEW_TYPE, 'Seccomp Trace', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, this.webviewOptions());
    this.attach(panel);
  }

  startRun(header: RunHeader): void {
    this.session = new TraceSession(this.maxRows());
    this.session.reset(header);
    this.pending = [];
    this.show();
    this.post({ type: 'reset', header, maxRows: this.session.cap });
  }

  /** The run could not start (or the policy has errors): say so in the panel too. */
  problem(header: RunHeader | undefined, message: string): void {
    if (header) {
      this.session = new TraceSession(this.maxRows());
      this.session.reset(header);
      this.post({ type: 'reset', header, maxRows: this.session.cap });
    }
    this.session.problem = message;
    this.post({ type: 'problem', message });
  }

  events(p: RunEventsParams): void {
    if (!this.session.owns(p.runId)) return;
    this.session.addEvents(p);
    if (!this.pageReady) return; // replayed in full when the page loads
    this.pending.push(p);
    this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  /** Ask mode: a call waits; the page shows the question card (and the panel comes to the front). */
  ask(p: RunAskParams): void {
    if (!this.session.ask(p)) return;
    // The rows before the question first, so the card does not come before the calls that led to it.
    this.flush();
    this.show();
    this.post({ type: 'ask', question: p });
  }

  finished(p: RunFinishedParams): void {
    if (!this.session.owns(p.runId)) return;
    this.session.finish(p);
    this.flush();
    this.post({ type: 'finished', finished: p });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batches = this.pending;
    this.pending = [];
    if (batches.length === 0 || !this.pageReady) return;
    const runId = batches[0]!.runId;
    const rows = batches.map((b) => b.rows);
    const notes = batches.flatMap((b) => b.notes ?? []);
    const stdout = batches.map((b) => b.stdout ?? '').join('');
    const stderr = batches.map((b) => b.stderr ?? '').join('');
    this.post({ type: 'events', runId, rows, notes, stdout, stderr });
  }

  private post(message: HostToPage): void {
    if (this.panel && this.pageReady) void this.panel.webview.postMessage(message);
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      enableFindWidget: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.pageReady = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    panel.webview.options = this.webviewOptions();
    panel.webview.html = pageHtml(panel.webview, this.extensionUri);
    const subs: vscode.Disposable[] = [
      panel.webview.onDidReceiveMessage((m: PageToHost) => void this.onMessage(m)),
      // Hidden means the page is gone: stop posting until a fresh page says it is ready.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.pageReady = false;
      }),
      panel.onDidDispose(() => {
        subs.forEach((d) => d.dispose());
        if (this.panel === panel) {
          this.panel = undefined;
          this.pageReady = false;
        }
      }),
    ];
  }

  private replay(): void {
    const all = this.session.snapshot();
    const first = { ...all, rows: all.rows.slice(0, RESTORE_CHUNK) };
    this.post({ type: 'restore', snapshot: first, more: all.rows.length > RESTORE_CHUNK, maxRows: this.session.cap });
    for (let i = RESTORE_CHUNK; i < all.rows.length; i += RESTORE_CHUNK) {
      this.post({ type: 'events', runId: all.header?.runId ?? '', rows: [encodeRows(all.rows.slice(i, i + RESTORE_CHUNK))] });
    }
  }

  private async onMessage(m: PageToHost): Promise<void> {
    const header = this.session.header;
    switch (m.type) {
      case 'ready':
        this.pageReady = true;
        this.pending = [];
        this.replay();
        return;
      case 'reveal':
        await this.actions.reveal(new vscode.Location(vscode.Uri.parse(m.location.uri), new vscode.Range(
          m.location.range.start.line, m.location.range.start.character, m.location.range.end.line, m.location.range.end.character)));
        return;
      case 'allow': {
        const row = this.session.store.findRow(m.seq);
        if (header && row) await this.actions.allow(header, row, m.withArgs);
        return;
      }
      case 'rerun':
        if (header) await this.actions.rerun(header, m.mode ?? header.mode, m.ask);
        return;
      case 'answer': {
        if (!header || this.session.question?.questionId !== m.questionId) {
          this.post({ type: 'asked', questionId: m.questionId, message: 'This question is no longer open.' });
          return;
        }
        const result = await this.actions.answer(header, m.questionId, m.answer);
        // Accepted or not, the question is closed: refused means the run or the question is gone.
        if (this.session.closeQuestion(m.questionId) || !result.accepted) {
          this.post({ type: 'asked', questionId: m.questionId, ...(result.accepted ? {} : { message: result.message ?? 'The answer was refused.' }) });
        }
        return;
      }
      case 'stop':
        if (header) await this.actions.stop(header);
        return;
      case 'save':
        await this.actions.save(this.session, m.format);
        return;
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.panel?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}

function nonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 32; i++) s += chars[Math.floor(Math.random() * chars.length)];
  return s;
}

/** The page: a strict CSP (scripts only with the nonce, nothing inline), resources from dist/. */
export function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const n = nonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Seccomp Trace</title>
</head>
<body>
<div id="app"></div>
<script nonce="${n}" src="${script.toString()}"></script>
</body>
</html>`;
}
