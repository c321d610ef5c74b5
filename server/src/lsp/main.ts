/**
 * The language server process: vscode-languageserver wiring only. Works
 * over IPC (VS Code) and `--stdio` (Neovim, Helix, Emacs). Every answer
 * comes from the pure service in server/src/service.
 */
import { fileURLToPath } from 'node:url';
import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { readPolicyFile } from '../cli/host';
import { createPolicyService, type PolicyDocument } from '../service/service';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

function pathOf(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

// Open documents win over the disk, so unsaved edits in an include are seen.
const service = createPolicyService({
  host: {
    readFile(path) {
      for (const d of documents.all()) if (pathOf(d.uri) === path) return { text: d.getText() };
      return readPolicyFile(path);
    },
  },
});

function toPolicyDocument(d: TextDocument): PolicyDocument {
  return { uri: d.uri, path: pathOf(d.uri), version: d.version, text: d.getText() };
}

connection.onInitialize((): InitializeResult => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
  },
  serverInfo: { name: 'seccomp-language-server', version: '0.1.0' },
}));

const pending = new Map<string, NodeJS.Timeout>();
const DEBOUNCE_MS = 150;

function validateSoon(doc: TextDocument, delay = DEBOUNCE_MS): void {
  clearTimeout(pending.get(doc.uri));
  pending.set(doc.uri, setTimeout(() => {
    pending.delete(doc.uri);
    const current = documents.get(doc.uri);
    if (!current) return;
    try {
      const diagnostics = service.doValidation(toPolicyDocument(current));
      void connection.sendDiagnostics({ uri: current.uri, version: current.version, diagnostics });
    } catch (e) {
      connection.console.error(`validation failed for ${current.uri}: ${(e as Error)?.stack ?? e}`);
    }
  }, delay));
}

documents.onDidOpen((e) => validateSoon(e.document, 0));
documents.onDidChangeContent((e) => {
  service.invalidate();
  validateSoon(e.document);
  // Files that include the edited one see the change too.
  const path = pathOf(e.document.uri);
  for (const other of documents.all()) {
    if (other.uri !== e.document.uri && service.includedFiles(toPolicyDocument(other)).includes(path)) validateSoon(other);
  }
});
documents.onDidClose((e) => {
  clearTimeout(pending.get(e.document.uri));
  service.invalidate(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

documents.listen(connection);
connection.listen();
