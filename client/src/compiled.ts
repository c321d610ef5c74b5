/**
 * Compiled output as read-only virtual documents (scheme `seccomp-bpf`):
 * the disassembly, the C header and the JSON of a policy, asked of the
 * server each time the document is shown and again whenever the policy's
 * buffer changes (so the listing follows the edits, saved or not). The
 * listing's `policy.seccomp:18` references are document links, and moving
 * the cursor in the listing or the policy highlights the related lines in
 * the other.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { compileRequest, type CompileFormat, type ListingLink } from '../../server/src/lsp/ext';
import { errorText, type Server } from './server';

export const COMPILED_SCHEME = 'seccomp-bpf';
const REFRESH_MS = 300;

const EXTENSION: Record<Exclude<CompileFormat, 'raw'>, string> = { disasm: '.bpf.txt', c: '.h', json: '.bpf.json' };
const LANGUAGE: Record<Exclude<CompileFormat, 'raw'>, string> = { disasm: 'plaintext', c: 'c', json: 'json' };

/** The virtual document of a policy's compiled output in one format. */
export function compiledUri(policy: vscode.Uri, format: Exclude<CompileFormat, 'raw'>): vscode.Uri {
  const base = path.posix.basename(policy.path).replace(/\.seccomp$/, '');
  const query = new URLSearchParams({ policy: policy.toString(), format }).toString();
  return vscode.Uri.from({ scheme: COMPILED_SCHEME, path: `/${base}${EXTENSION[format]}`, query });
}

export function parseCompiledUri(uri: vscode.Uri): { policy: vscode.Uri; format: Exclude<CompileFormat, 'raw'> } | undefined {
  if (uri.scheme !== COMPILED_SCHEME) return undefined;
  const q = new URLSearchParams(uri.query);
  const policy = q.get('policy');
  const format = q.get('format');
  if (!policy || (format !== 'disasm' && format !== 'c' && format !== 'json')) return undefined;
  return { policy: vscode.Uri.parse(policy), format };
}

export class CompiledDocuments implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** The links of each shown listing, from its last compile. */
  private readonly links = new Map<string, readonly ListingLink[]>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly related = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.wordHighlightBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.wordHighlightForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Center,
  });

  constructor(private readonly server: Server) {
    this.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(COMPILED_SCHEME, this),
      vscode.languages.registerDocumentLinkProvider({ scheme: COMPILED_SCHEME }, this),
      vscode.workspace.onDidChangeTextDocument((e) => this.policyChanged(e.document.uri)),
      vscode.window.onDidChangeTextEditorSelection((e) => this.selectionChanged(e.textEditor)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === COMPILED_SCHEME) this.links.delete(d.uri.toString());
      }),
    );
  }

  /** Opens the policy's compiled output beside it, read-only. */
  async open(policy: vscode.Uri, format: Exclude<CompileFormat, 'raw'>): Promise<vscode.TextEditor> {
    const uri = compiledUri(policy, format);
    let doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== LANGUAGE[format]) doc = await vscode.languages.setTextDocumentLanguage(doc, LANGUAGE[format]);
    return vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const what = parseCompiledUri(uri);
    if (!what) return `# not a compiled policy: ${uri.toString()}\n`;
    try {
      const r = await this.server.request(compileRequest, { uri: what.policy.toString(), format: what.format });
      if (!r.ok) {
        this.links.delete(uri.toString());
        return `# ${path.posix.basename(what.policy.path)} was not compiled: ${r.message}\n`;
      }
      this.links.set(uri.toString(), r.links);
      return r.text;
    } catch (err) {
      return `# the language server did not compile ${path.posix.basename(what.policy.path)}: ${errorText(err)}\n`;
    }
  }

  provideDocumentLinks(doc: vscode.TextDocument): vscode.DocumentLink[] {
    const links = this.links.get(doc.uri.toString()) ?? [];
    const out: vscode.DocumentLink[] = [];
    for (const l of links) {
      if (l.line >= doc.lineCount) continue;
      const text = doc.lineAt(l.line).text;
      // The reference is the `file:line` after the comment mark; link that, else the whole comment.
      const comment = text.indexOf(';');
      const m = /\S+:\d+/.exec(comment >= 0 ? text.slice(comment) : text);
      const start = m ? (comment >= 0 ? comment : 0) + m.index : Math.max(0, comment);
      const end = m ? start + m[0].length : text.length;
      const target = vscode.Uri.parse(l.location.uri).with({ fragment: `L${l.location.range.start.line + 1},${l.location.range.start.character + 1}` });
      const link = new vscode.DocumentLink(new vscode.Range(l.line, start, l.line, end), target);
      link.tooltip = 'Show the policy line';
      out.push(link);
    }
    return out;
  }

  /** The links of a shown listing (for tests). */
  linksOf(uri: vscode.Uri): readonly ListingLink[] {
    return this.links.get(uri.toString()) ?? [];
  }

  private policyChanged(policy: vscode.Uri): void {
    if (policy.scheme === COMPILED_SCHEME) return;
    for (const doc of vscode.workspace.textDocuments) {
      const what = parseCompiledUri(doc.uri);
      if (!what || what.policy.toString() !== policy.toString()) continue;
      const key = doc.uri.toString();
      clearTimeout(this.timers.get(key));
      // Debounced: typing should not recompile on every key.
      this.timers.set(key, setTimeout(() => {
        this.timers.delete(key);
        this.changed.fire(doc.uri);
      }, REFRESH_MS));
    }
  }

  private selectionChanged(editor: vscode.TextEditor): void {
    const line = editor.selection.active.line;
    const what = parseCompiledUri(editor.document.uri);
    if (what) {
      // In the listing: highlight the policy lines this instruction comes from.
      const locations = (this.links.get(editor.document.uri.toString()) ?? []).filter((l) => l.line === line).map((l) => l.location);
      for (const e of vscode.window.visibleTextEditors) {
        if (e.document.uri.toString() !== what.policy.toString()) continue;
        e.setDecorations(this.related, locations.map((l) => this.server.range(l.range)));
        const first = locations[0];
        if (first) e.revealRange(this.server.range(first.range), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      }
      return;
    }
    // In a policy: highlight the listing lines that came from the cursor's line.
    for (const e of vscode.window.visibleTextEditors) {
      const listing = parseCompiledUri(e.document.uri);
      if (!listing || listing.policy.toString() !== editor.document.uri.toString()) continue;
      const lines = (this.links.get(e.document.uri.toString()) ?? [])
        .filter((l) => sameUri(l.location.uri, editor.document.uri) && l.location.range.start.line <= line && line <= l.location.range.end.line)
        .map((l) => l.line);
      e.setDecorations(this.related, lines.map((n) => new vscode.Range(n, 0, n, 0)));
      if (lines.length > 0) e.revealRange(new vscode.Range(lines[0]!, 0, lines[0]!, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }

  /** The lines highlighted in an editor as related (for tests): recomputed from the links. */
  relatedListingLines(listing: vscode.Uri, policyLine: number, policy: vscode.Uri): number[] {
    return (this.links.get(listing.toString()) ?? [])
      .filter((l) => sameUri(l.location.uri, policy) && l.location.range.start.line <= policyLine && policyLine <= l.location.range.end.line)
      .map((l) => l.line);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.subscriptions.forEach((s) => s.dispose());
    this.changed.dispose();
    this.related.dispose();
  }
}

/** The server's URI strings and vscode's may differ in escaping: compare parsed. */
function sameUri(lsp: string, uri: vscode.Uri): boolean {
  return vscode.Uri.parse(lsp).toString() === uri.toString();
}
