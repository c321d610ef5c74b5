/**
 * Which policy a command acts on. Never "whatever editor is active": the
 * argument (a code lens or the editor title passes the policy's URI), else
 * the active seccomp editor, else a visible one, else the only open policy,
 * else the user picks one.
 */
import * as vscode from 'vscode';

export const LANGUAGE_ID = 'seccomp';

export function isPolicy(doc: vscode.TextDocument): boolean {
  return doc.languageId === LANGUAGE_ID;
}

function uriOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg !== '') return vscode.Uri.parse(arg);
  return undefined;
}

export async function resolvePolicy(arg: unknown): Promise<vscode.TextDocument | undefined> {
  const given = uriOf(arg);
  if (given) {
    const doc = await vscode.workspace.openTextDocument(given);
    if (isPolicy(doc) || given.path.endsWith('.seccomp')) return doc;
  }
  const active = vscode.window.activeTextEditor?.document;
  if (active && isPolicy(active)) return active;
  const visible = vscode.window.visibleTextEditors.map((e) => e.document).find(isPolicy);
  if (visible) return visible;
  const open = vscode.workspace.textDocuments.filter(isPolicy);
  if (open.length === 1) return open[0];
  const files = await vscode.workspace.findFiles('**/*.seccomp', '**/node_modules/**', 500);
  const candidates = new Map<string, vscode.Uri>();
  for (const d of open) candidates.set(d.uri.toString(), d.uri);
  for (const f of files) candidates.set(f.toString(), f);
  if (candidates.size === 0) {
    void vscode.window.showErrorMessage('Seccomp Policy: open a .seccomp policy first.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    [...candidates.values()].map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { title: 'Which policy?', placeHolder: 'A .seccomp policy' },
  );
  return picked ? vscode.workspace.openTextDocument(picked.uri) : undefined;
}

/** Shows a policy location: the editor it is in (or a new one), the range selected and centred. */
export async function revealInPolicy(location: vscode.Location, highlight?: vscode.TextEditorDecorationType): Promise<vscode.TextEditor> {
  const existing = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === location.uri.toString());
  const doc = existing?.document ?? (await vscode.workspace.openTextDocument(location.uri));
  const editor = await vscode.window.showTextDocument(doc, {
    viewColumn: existing?.viewColumn ?? vscode.ViewColumn.One,
    preserveFocus: false,
    selection: new vscode.Range(location.range.start, location.range.start),
  });
  editor.revealRange(location.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  if (highlight) editor.setDecorations(highlight, [new vscode.Range(location.range.start.line, 0, location.range.end.line, 0)]);
  return editor;
}

/** Takes the user to the first error the server reported in a policy, if any. */
export async function goToFirstError(uri: vscode.Uri): Promise<boolean> {
  const first = vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.severity === vscode.DiagnosticSeverity.Error)
    .sort((a, b) => a.range.start.compareTo(b.range.start))[0];
  if (!first) return false;
  await revealInPolicy(new vscode.Location(uri, first.range));
  return true;
}
