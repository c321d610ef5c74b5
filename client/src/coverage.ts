/**
 * Policy coverage after a run: each rule says how often it decided, and the
 * rules the run never reached are dimmed. Shown until the policy is edited
 * (the ranges would no longer match) or cleared.
 */
import * as vscode from 'vscode';

export interface RuleHits {
  readonly location: vscode.Location;
  readonly count: number;
}

export class Coverage implements vscode.Disposable {
  private readonly byPolicy = new Map<string, readonly RuleHits[]>();
  private readonly reached = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2em' },
  });
  private readonly unreached = vscode.window.createTextEditorDecorationType({
    opacity: '0.55',
    after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2em', contentText: 'never reached in the last run' },
  });
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.window.onDidChangeVisibleTextEditors(() => this.render()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && this.byPolicy.has(e.document.uri.toString())) this.clear(e.document.uri);
      }),
    ];
  }

  /** The coverage shown for a policy (for tests and the status item). */
  get(policy: vscode.Uri): readonly RuleHits[] | undefined {
    return this.byPolicy.get(policy.toString());
  }

  show(policy: vscode.Uri, hits: readonly RuleHits[]): void {
    this.byPolicy.set(policy.toString(), hits);
    this.render();
  }

  clear(policy?: vscode.Uri): void {
    if (policy) this.byPolicy.delete(policy.toString());
    else this.byPolicy.clear();
    this.render();
  }

  private render(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const hits = this.byPolicy.get(editor.document.uri.toString()) ?? [];
      const mine = hits.filter((h) => h.location.uri.toString() === editor.document.uri.toString());
      editor.setDecorations(this.reached, mine.filter((h) => h.count > 0).map((h) => ({
        range: endOfLine(editor.document, h.location.range.start.line),
        renderOptions: { after: { contentText: `✓ decided ${h.count} ${h.count === 1 ? 'syscall' : 'syscalls'}` } },
      })));
      editor.setDecorations(this.unreached, mine.filter((h) => h.count === 0).map((h) => h.location.range));
    }
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.reached.dispose();
    this.unreached.dispose();
  }
}

function endOfLine(doc: vscode.TextDocument, line: number): vscode.Range {
  const end = line < doc.lineCount ? doc.lineAt(line).range.end : new vscode.Position(line, 0);
  return new vscode.Range(end, end);
}
