/**
 * Show Syscall Documentation: a quick pick over every syscall the server
 * knows (`seccomp/syscallList`), then its documentation
 * (`seccomp/syscallDoc`, markdown) as a read-only virtual document in the
 * markdown preview.
 */
import * as vscode from 'vscode';
import { syscallDocRequest, syscallListRequest } from '../../server/src/lsp/ext';
import { errorText, type Server } from './server';

export const DOC_SCHEME = 'seccomp-doc';

export class SyscallDocs implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly registration: vscode.Disposable;

  constructor(private readonly server: Server) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(DOC_SCHEME, this);
  }

  static uriOf(name: string, policy?: vscode.Uri): vscode.Uri {
    return vscode.Uri.from({ scheme: DOC_SCHEME, path: `/${name}.md`, query: policy ? new URLSearchParams({ policy: policy.toString() }).toString() : '' });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const name = uri.path.replace(/^\//, '').replace(/\.md$/, '');
    const policy = new URLSearchParams(uri.query).get('policy') ?? undefined;
    try {
      const doc = await this.server.request(syscallDocRequest, { name, ...(policy ? { uri: policy } : {}) });
      return doc?.markdown ?? `# ${name}\n\nNo documentation: \`${name}\` is not a syscall this extension knows.\n`;
    } catch (err) {
      return `# ${name}\n\nThe language server did not answer: ${errorText(err)}\n`;
    }
  }

  /** Asks which syscall (unless given) and shows its documentation. */
  async show(name: string | undefined, policy: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
    if (!name) {
      const items = this.server.request(syscallListRequest, {}).then((list) =>
        list.map((s) => ({ label: s.name, detail: s.summary })));
      const picked = await vscode.window.showQuickPick(items, {
        title: 'Syscall documentation',
        placeHolder: 'Type a syscall name or words from its summary',
        matchOnDetail: true,
      });
      if (!picked) return undefined;
      name = picked.label;
    }
    const uri = SyscallDocs.uriOf(name, policy);
    try {
      await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    } catch {
      // No markdown preview (a minimal build): the markdown text itself.
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { viewColumn: vscode.ViewColumn.Beside, preview: true });
    }
    return uri;
  }

  dispose(): void {
    this.registration.dispose();
  }
}
