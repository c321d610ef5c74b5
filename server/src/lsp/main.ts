/**
 * The language server process: vscode-languageserver wiring only. Works
 * over IPC (VS Code) and `--stdio` (Neovim, Helix, Emacs). Every answer
 * comes from the pure service in server/src/service; this file maps
 * requests to it, keeps settings, and decides when diagnostics are sent.
 *
 * Robustness: every handler catches what the service throws and answers
 * with an empty result (logged); positions are clamped by the service; the
 * host refuses directories, devices, FIFOs and binary files without
 * blocking (driver/files.ts); lifecycle.ts refuses requests out of order
 * (before `initialize`, after `shutdown`) and documents.ts malformed
 * document notifications.
 *
 * Responsiveness: checks run a step per turn of the event loop (checks.ts),
 * so requests and edits are handled between the steps and an edit cancels
 * the check of the version it replaces; while a check runs, hover and
 * completion answer from the document's last analysis.
 *
 * The editor features beyond LSP (ext.ts) are answered by extRequests.ts
 * (from the policy alone) and runs.ts (traced runs); coverage.ts keeps what
 * the last run of each policy showed.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind, createConnection, DiagnosticSeverity, LSPErrorCodes, ResponseError, DidChangeConfigurationNotification,
  DidChangeWorkspaceFoldersNotification, ProposedFeatures,
  TextDocumentSyncKind, type ClientCapabilities, type Connection, type Diagnostic, type InitializeParams, type InitializeResult,
  type TextEdit,
} from 'vscode-languageserver/node';
import { bufferedHost, confinedHost, listDirectory, readPolicyFile } from '../driver/files';
import { locateHelper } from '../driver/helper';
import { FIX_ALL_KIND, getCodeActions } from '../service/codeActions';
import { formatEdits, formatError } from '../service/formatting';
import {
  createPolicyService, SEMANTIC_TOKENS_LEGEND, type PolicyDocument, type ServiceSettings,
} from '../service/service';
import { afterPendingMessages, Checks } from './checks';
import { COVERAGE_SOURCE, CoverageStore } from './coverage';
import { OpenDocuments, type OpenDocument } from './documents';
import {
  allowSyscallRequest, compileRequest, learnRequest, policyInfoRequest, runAnswerRequest, runRequest, serverStatusNotification, stopRunRequest,
  syscallDocRequest, syscallListRequest, type CompileResult, type LearnResult, type NotRunnable, type RunResult,
} from './ext';
import * as ext from './extRequests';
import { Lifecycle } from './lifecycle';
import { RunManager } from './runs';
import {
  changedWorkspaceFolders, includeDirectoriesFor, parseSettings, runSettingsFor, SECTION, workspaceFolderPaths,
} from './settings';

const SERVER_INFO = { name: 'seccomp-language-server', version: '0.1.0' };
/** Push diagnostics wait this long after the last edit (a client may set `initializationOptions.diagnosticDelay`). */
const DEFAULT_DEBOUNCE_MS = 150;

const lifecycle = new Lifecycle();
const connection: Connection = createConnection(ProposedFeatures.all, { messageStrategy: lifecycle.strategy });
lifecycle.listen(connection);
const documents = new OpenDocuments();

function pathOf(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

/** The open document whose file is `path`. */
function openDocumentAt(path: string): OpenDocument | undefined {
  for (const d of documents.all()) if (pathOf(d.uri) === path) return d;
  return undefined;
}

// Open documents win over the disk, so unsaved edits (in the policy or an include) are what is checked and run.
// Includes stay in the policy's folder tree, the workspace folders and `seccompPolicy.includeDirectories` (of the policy's folder).
const policyHost = confinedHost(bufferedHost((path) => openDocumentAt(path)?.getText()),
  (root) => includeDirectoriesFor(root, workspaceFolders, scoped.get(uriOf(root))?.includeDirectories ?? service.settings.includeDirectories));
/** Settings of a document's folder where they differ from the workspace's (multi-root workspaces). */
const scoped = new Map<string, Partial<ServiceSettings>>();
const service = createPolicyService({
  scopedSettings: (uri) => scoped.get(uri),
  host: {
    ...policyHost,
    listDirectory,
  },
});

function toPolicyDocument(d: OpenDocument): PolicyDocument {
  return { uri: d.uri, path: pathOf(d.uri), version: d.version, text: d.getText() };
}

/** The open document at `uri`, else the file read from disk as version 0. */
function documentOf(uri: string): PolicyDocument | undefined {
  const open = documents.get(uri);
  if (open) return toPolicyDocument(open);
  const path = pathOf(uri);
  const read = readPolicyFile(path);
  return 'text' in read ? { uri, path, version: 0, text: read.text } : undefined;
}

/** The URI of a file: the open document's own (it may be `untitled:`), else a `file:` URI. */
function uriOf(path: string): string {
  const open = openDocumentAt(path);
  if (open) return open.uri;
  return path.startsWith('/') ? pathToFileURL(path).href : path;
}

// ---- client capabilities and settings -----------------------------------------------

let pullDiagnostics = false;
let diagnosticRefresh = false;
let configurationPull = false;
let configurationRegistration = false;
let inlayHintRefresh = false;
let semanticTokensRefresh = false;
let debounceMs = DEFAULT_DEBOUNCE_MS;
/** `initializationOptions.trusted === false`: the workspace is not trusted; nothing is run. */
let trusted = true;
/** The workspace folders' paths (from `initialize`, then `workspace/didChangeWorkspaceFolders`): includes may read from them. */
let workspaceFolders: string[] = [];
/** `initializationOptions.helperPath`: the helper the client found (or the user's setting at start). */
let initHelperPath: string | undefined;
/** The last settings pushed by a client that cannot be asked (`workspace/configuration`). */
let pushedSettings: unknown;

function applySettings(raw: unknown): void {
  pushedSettings = raw;
  const before = JSON.stringify(service.settings);
  service.configure(parseSettings(raw, service.settings));
  // Clients send the settings after start, usually the ones in force: then nothing needs checking again.
  if (JSON.stringify(service.settings) !== before) refreshAll();
  // A pull client is still asked to pull again: its first pulls may have raced the start (VS Code
  // showed no diagnostics after a restart of the server without this). Cheap: unchanged results
  // answer `unchanged` from the analyses kept.
  else if (pullDiagnostics && diagnosticRefresh) void connection.languages.diagnostics.refresh().then(undefined, () => undefined);
}

/** Asks for the workspace's settings, then (folder settings are kept where they differ from these) each open document's folder settings. */
async function pullSettings(): Promise<void> {
  if (!configurationPull) return;
  try {
    applySettings(await connection.workspace.getConfiguration(SECTION));
  } catch (e) {
    connection.console.error(`could not read the settings: ${(e as Error)?.message ?? e}`);
  }
  await Promise.all(documents.all().map((d) => pullScopedSettings(d.uri)));
}

/**
 * The settings a document's first diagnostics wait for: the first answer
 * to `workspace/configuration` (asked at `initialized`) and the document's
 * folder settings (asked at `didOpen`). The check itself does not wait: it
 * runs while the client answers, and only its diagnostics are held until
 * the settings are known, so a user whose settings differ from the
 * defaults never sees the defaults' diagnostics first. A client that does
 * not answer within SETTINGS_WAIT_MS gets the diagnostics of the settings
 * known then (its late answer re-checks, as any change does).
 */
let firstSettings: Promise<void> | undefined;
const folderSettingsAsked = new Map<string, Promise<void>>();
const SETTINGS_WAIT_MS = 1000;

/** Settles once the settings `uri`'s diagnostics depend on are known (or after SETTINGS_WAIT_MS); undefined when they are. */
function settingsPending(uri: string): Promise<void> | undefined {
  const asked = [firstSettings, folderSettingsAsked.get(uri)].filter((p): p is Promise<void> => p !== undefined);
  if (asked.length === 0) return undefined;
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, SETTINGS_WAIT_MS);
    void Promise.all(asked).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Asks for the settings of the document's folder and keeps them; whether they changed. */
async function fetchScopedSettings(uri: string): Promise<boolean> {
  if (!configurationPull) return false;
  let own: Partial<ServiceSettings>;
  try {
    own = parseSettings(await connection.workspace.getConfiguration({ scopeUri: uri, section: SECTION }), service.settings);
  } catch {
    return false;
  }
  const differs = Object.entries(own).some(([k, v]) => JSON.stringify(v) !== JSON.stringify(service.settings[k as keyof ServiceSettings]));
  const before = JSON.stringify(scoped.get(uri));
  if (differs) scoped.set(uri, own);
  else scoped.delete(uri);
  return JSON.stringify(scoped.get(uri)) !== before;
}

/**
 * The settings of the document's folder (`resource` scope: each folder of a
 * multi-root workspace may set its own lint levels and ABIs). Kept only
 * where they differ from the workspace's; a change re-checks the document.
 */
async function pullScopedSettings(uri: string): Promise<void> {
  if (!(await fetchScopedSettings(uri))) return;
  generation++;
  const doc = documents.get(uri);
  if (pullDiagnostics) {
    if (diagnosticRefresh) void connection.languages.diagnostics.refresh().then(undefined, () => undefined);
  } else if (doc) validateSoon(doc, 0);
  if (inlayHintRefresh) void connection.languages.inlayHint.refresh().then(undefined, () => undefined);
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const caps: ClientCapabilities = params.capabilities ?? {};
  pullDiagnostics = !!caps.textDocument?.diagnostic;
  diagnosticRefresh = !!caps.workspace?.diagnostics?.refreshSupport;
  configurationPull = !!caps.workspace?.configuration;
  configurationRegistration = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
  inlayHintRefresh = !!caps.workspace?.inlayHint?.refreshSupport;
  semanticTokensRefresh = !!caps.workspace?.semanticTokens?.refreshSupport;
  const init = (params.initializationOptions ?? {}) as Record<string, unknown>;
  if (typeof init.diagnosticDelay === 'number' && init.diagnosticDelay >= 0) debounceMs = init.diagnosticDelay;
  pushedSettings = init[SECTION] ?? init.settings ?? init;
  service.configure(parseSettings(pushedSettings, service.settings));
  trusted = init.trusted !== false;
  workspaceFolders = workspaceFolderPaths(params);
  // Registered here, after vscode-languageserver's own workspace-folders feature took this notification
  // (it does when the client announces `workspace.workspaceFolders`): ours replaces it, whatever the client announced.
  connection.onNotification(DidChangeWorkspaceFoldersNotification.type, (p) => void workspaceFoldersChanged(p?.event));
  if (typeof init.helperPath === 'string' && init.helperPath !== '') initHelperPath = init.helperPath;
  const prepareSupport = !!caps.textDocument?.rename?.prepareSupport;
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['@', '(', '"', '/'], resolveProvider: true },
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: prepareSupport ? { prepareProvider: true } : true,
      documentSymbolProvider: { label: 'Seccomp policy' },
      foldingRangeProvider: true,
      selectionRangeProvider: true,
      semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true, range: false },
      inlayHintProvider: true,
      codeLensProvider: { resolveProvider: false },
      documentFormattingProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, CodeActionKind.RefactorRewrite] },
      ...(pullDiagnostics ? { diagnosticProvider: { identifier: 'seccomp', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
    },
    serverInfo: SERVER_INFO,
  };
});

connection.onInitialized(() => {
  if (configurationPull && configurationRegistration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: SECTION }).catch(() => undefined);
  }
  if (configurationPull) {
    const asked = pullSettings();
    firstSettings = asked;
    void asked.then(() => {
      if (firstSettings === asked) firstSettings = undefined;
    });
  }
  void sendServerStatus();
});

/** Whether runs can work here, said once after initialize (the client shows it and disables Run). */
async function sendServerStatus(): Promise<void> {
  const helper = locateHelper((await runSettingsFor(connection, undefined, configurationPull, pushedSettings, initHelperPath)).helperPath);
  const problems: string[] = [];
  if (!helper.ok) problems.push(helper.message);
  if (!trusted) problems.push('the workspace is not trusted: running and learning are disabled');
  void connection.sendNotification(serverStatusNotification, {
    health: problems.length ? 'warning' : 'ok', canRun: problems.length === 0, ...(problems.length ? { message: problems.join('; ') } : {}),
  });
}

/**
 * Folders added to or removed from the workspace: includes may now read
 * from (or no longer from) them, and a document's folder settings may come
 * from another folder. The folder settings of the open documents are asked
 * for again first, then every open document is checked once with both.
 */
async function workspaceFoldersChanged(event: unknown): Promise<void> {
  const next = changedWorkspaceFolders(workspaceFolders, event);
  if (next.length === workspaceFolders.length && next.every((f, i) => f === workspaceFolders[i])) return;
  workspaceFolders = next;
  await Promise.all(documents.all().map((d) => fetchScopedSettings(d.uri)));
  if (!lifecycle.shutDown) refreshAll();
}

connection.onDidChangeConfiguration((params) => {
  if (configurationPull) void pullSettings();
  else {
    const s = (params?.settings ?? {}) as Record<string, unknown>;
    applySettings(s[SECTION] ?? s);
  }
  // The helper setting may have changed: say again whether runs can work.
  void sendServerStatus();
});

// ---- diagnostics ------------------------------------------------------------------------

const pending = new Map<string, NodeJS.Timeout>();
/** Bumped on every change that may alter any document's diagnostics (pull result ids). */
let generation = 0;
/**
 * This server process in pull result ids: a client keeps its last result id across a
 * restart of the server, and a new server counting from 0 again would answer
 * `unchanged` to it while the client has just cleared the diagnostics.
 */
const SERVER_ID = `${process.pid}.${Date.now().toString(36)}`;

const checks = new Checks(
  service,
  (uri) => {
    const d = documents.get(uri);
    return d ? toPolicyDocument(d) : undefined;
  },
  (uri, e) => connection.console.error(`checking ${uri} failed: ${(e as Error)?.stack ?? e}`),
);

function checkFailed(e: unknown): Diagnostic {
  const why = String((e as Error)?.message ?? e).slice(0, 200);
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Error, source: 'seccomp',
    code: 'internal-error', message: `the policy could not be checked (an internal error: ${why}); see the server's log`,
  };
}

/** The document's diagnostics; when checking it fails, one saying so (stale ones must not stay as if current). */
function diagnosticsOf(doc: PolicyDocument): Diagnostic[] {
  try {
    return validate(doc);
  } catch (e) {
    connection.console.error(`validation failed for ${doc.uri}: ${(e as Error)?.stack ?? e}`);
    return [checkFailed(e)];
  }
}

/** Pushes the document's diagnostics after `delay` ms of quiet, from a check in steps. */
function validateSoon(doc: OpenDocument, delay = debounceMs): void {
  if (pullDiagnostics || lifecycle.shutDown) return;
  clearTimeout(pending.get(doc.uri));
  pending.set(doc.uri, setTimeout(() => {
    pending.delete(doc.uri);
    // Edits already read would cancel the check at once (after joining the text for it): let them in first.
    const version = documents.get(doc.uri)?.version;
    afterPendingMessages(() => {
      if (documents.get(doc.uri)?.version !== version || pending.has(doc.uri)) return;
      void checks.run(doc.uri).then(async (checked) => {
        if (!checked || lifecycle.shutDown) return;
        const waiting = settingsPending(checked.uri);
        if (waiting) {
          await waiting;
          // Edited, or the settings changed and a newer check will publish: nothing to say for this one.
          // Otherwise diagnosticsOf answers for the settings in force now (re-analysing if they changed it).
          if (lifecycle.shutDown || documents.get(checked.uri)?.version !== checked.version) return;
          if (pending.has(checked.uri) || checks.isRunning(checked)) return;
        }
        void connection.sendDiagnostics({ uri: checked.uri, version: checked.version, diagnostics: diagnosticsOf(checked) });
      });
    });
  }, delay));
}

/** After settings or files on disk changed: every open document is checked again. */
function refreshAll(): void {
  generation++;
  service.invalidate();
  checks.cancelAll();
  if (pullDiagnostics) {
    if (diagnosticRefresh) void connection.languages.diagnostics.refresh().then(undefined, () => undefined);
  } else for (const d of documents.all()) validateSoon(d, 0);
  if (inlayHintRefresh) void connection.languages.inlayHint.refresh().then(undefined, () => undefined);
  if (semanticTokensRefresh) void connection.languages.semanticTokens.refresh();
}

/** Open documents that include `path` (directly or not), from their last analyses. */
function dependantsOf(path: string, except: string): OpenDocument[] {
  const out: OpenDocument[] = [];
  for (const other of documents.all()) {
    if (other.uri === except) continue;
    try {
      if (service.includedFiles(toPolicyDocument(other)).includes(path)) out.push(other);
    } catch {
      // A document that cannot be analysed includes nothing we know of.
    }
  }
  return out;
}

connection.onDidOpenTextDocument((params) => {
  const doc = documents.open(params);
  if (typeof doc === 'string') {
    connection.console.warn(`refused: ${doc}`);
    return;
  }
  generation++;
  checks.cancel(doc.uri);
  // Checked at once, while its folder's settings are asked for (its diagnostics wait for them: settingsPending).
  validateSoon(doc, 0);
  if (configurationPull) {
    const asked = pullScopedSettings(doc.uri);
    folderSettingsAsked.set(doc.uri, asked);
    void asked.then(() => {
      if (folderSettingsAsked.get(doc.uri) === asked) folderSettingsAsked.delete(doc.uri);
    });
  }
  refreshDependants(doc.uri);
});
connection.onDidChangeTextDocument((params) => {
  const r = documents.change(params);
  if (typeof r === 'string') {
    connection.console.warn(`refused: ${r}`);
    return;
  }
  if (r.refused.length) connection.console.warn(`${r.doc.uri}: skipped ${r.refused.join(', ')}`);
  generation++;
  // The check of the version this edit replaces would publish stale diagnostics: stop it.
  checks.cancel(r.doc.uri);
  validateSoon(r.doc);
  refreshDependants(r.doc.uri);
});
connection.onDidCloseTextDocument((params) => {
  const doc = documents.close(params);
  if (!doc) return;
  generation++;
  checks.cancel(doc.uri);
  clearTimeout(pending.get(doc.uri));
  pending.delete(doc.uri);
  service.forget(doc.uri);
  scoped.delete(doc.uri);
  if (!pullDiagnostics) void connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
  refreshDependants(doc.uri);
});

/** Files that include the edited one see the change too. */
function refreshDependants(uri: string): void {
  const dependants = dependantsOf(pathOf(uri), uri);
  if (dependants.length === 0) return;
  for (const d of dependants) {
    service.invalidate(d.uri);
    checks.cancel(d.uri);
  }
  if (pullDiagnostics) {
    if (diagnosticRefresh) void connection.languages.diagnostics.refresh().then(undefined, () => undefined);
  } else for (const d of dependants) validateSoon(d);
}

connection.onDidChangeWatchedFiles(() => refreshAll());

connection.languages.diagnostics.on(async (params, token) => {
  const uri = params?.textDocument?.uri;
  const doc = typeof uri === 'string' ? documents.get(uri) : undefined;
  if (!doc) return { kind: 'full' as const, items: [] };
  const resultId = `${SERVER_ID}:${generation}:${doc.version}`;
  if (params.previousResultId === resultId) return { kind: 'unchanged' as const, resultId };
  const checked = await checks.run(doc.uri);
  // The first answers wait for the settings (see settingsPending); the check ran meanwhile.
  const waiting = checked && settingsPending(checked.uri);
  if (waiting) await waiting;
  // Changed meanwhile: the client asks again for the new version.
  if (!checked || token.isCancellationRequested || documents.get(checked.uri)?.version !== checked.version) {
    throw new ResponseError(LSPErrorCodes.ServerCancelled, 'the document changed while it was checked', { retriggerRequest: true });
  }
  return { kind: 'full' as const, resultId: `${SERVER_ID}:${generation}:${checked.version}`, items: diagnosticsOf(checked) };
});

/** The checker's diagnostics, plus the rules the last run never reached (dimmed). */
function validate(doc: PolicyDocument) {
  const diagnostics = service.doValidation(doc);
  if (!coverage.has(doc.path)) return diagnostics;
  const analysis = service.analyze(doc);
  return analysis.skipped ? diagnostics : [...diagnostics, ...coverage.diagnostics(analysis.model, doc)];
}

// ---- runs and coverage ----------------------------------------------------------------------

const coverage = new CoverageStore();

const runs = new RunManager({
  connection,
  policyHost,
  pathOf,
  uriOf,
  trusted: () => trusted,
  helperPath: async (uri) => (await runSettingsFor(connection, uri, configurationPull, pushedSettings, initHelperPath)).helperPath,
  finished(report) {
    const paths = coverage.record(report);
    generation++;
    for (const p of paths) {
      service.invalidate(uriOf(p));
      checks.cancel(uriOf(p));
    }
    if (pullDiagnostics) {
      if (diagnosticRefresh) void connection.languages.diagnostics.refresh().then(undefined, () => undefined);
    } else for (const p of paths) {
      const d = openDocumentAt(p);
      if (d) validateSoon(d, 0);
    }
    if (inlayHintRefresh) void connection.languages.inlayHint.refresh().then(undefined, () => undefined);
  },
});

const extContext: ext.ExtContext = { service, runs, document: documentOf, uriOf };

/** A custom request: its handler's answer, or `fallback` (logged) when it throws. */
async function guardAsync<T>(what: string, fallback: T, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    connection.console.error(`${what} failed: ${(e as Error)?.stack ?? e}`);
    return fallback;
  }
}

const FAILED: NotRunnable = { ok: false, reason: 'io', message: 'internal error in the language server (see its log)' };
connection.onRequest(compileRequest, (p) => guardAsync<CompileResult>('seccomp/compile', FAILED, () => ext.compileRequest(extContext, p)));
connection.onRequest(runRequest, (p) => guardAsync<RunResult>('seccomp/run', FAILED, () => runs.start(p)));
connection.onRequest(stopRunRequest, (p) => guardAsync('seccomp/stopRun', { stopped: false }, () => runs.stop(p?.runId)));
connection.onRequest(runAnswerRequest, (p) => guardAsync('seccomp/runAnswer', { accepted: false, message: 'internal error in the language server (see its log)' }, () => runs.answer(p)));
// Cancelling the request ($/cancelRequest, the progress notification's Cancel) stops the traced program.
connection.onRequest(learnRequest, (p, token) => guardAsync<LearnResult>('seccomp/learn', FAILED, () => runs.learn(p, token)));
connection.onRequest(allowSyscallRequest, (p) => guardAsync('seccomp/allowSyscall', { edit: undefined }, () => ext.allowSyscallRequest(extContext, p)));
connection.onRequest(policyInfoRequest, (p) => guardAsync('seccomp/policyInfo', { abis: [], instructions: undefined, errors: 0 }, () => ext.policyInfoRequest(extContext, p?.uri)));
connection.onRequest(syscallListRequest, (p) => guardAsync('seccomp/syscallList', [], () => ext.syscallListRequest(p?.abi)));
connection.onRequest(syscallDocRequest, (p) => guardAsync('seccomp/syscallDoc', null, () => ext.syscallDocRequest(extContext, p?.name, p?.uri)));
connection.onShutdown(() => {
  checks.cancelAll();
  for (const t of pending.values()) clearTimeout(t);
  pending.clear();
  runs.stopAll();
});

// ---- requests -------------------------------------------------------------------------------

/** Runs a handler; on an exception logs it and answers with `fallback`. */
function guard<T>(what: string, fallback: T, run: () => T): T {
  try {
    return run();
  } catch (e) {
    connection.console.error(`${what} failed: ${(e as Error)?.stack ?? e}`);
    return fallback;
  }
}

/** The open document a request is about, or undefined (unknown or malformed parameters). */
function docOf(params: unknown): PolicyDocument | undefined {
  const uri = (params as { textDocument?: { uri?: unknown } } | undefined)?.textDocument?.uri;
  if (typeof uri !== 'string') return undefined;
  const d = documents.get(uri);
  return d ? toPolicyDocument(d) : undefined;
}

/**
 * Answers a request about a document from the document's analysis. When
 * the current version is not analysed yet, the request waits for a check in
 * steps (the same one the diagnostics wait for) instead of analysing at
 * once, so other messages are still handled meanwhile; with `stale` (hover,
 * completion), a check under way is not waited for: the answer comes from
 * the last analysis. A document that changed while the request waited
 * gets ContentModified, as LSP says. A failure is logged and answered with
 * `fallback`; a RenameRefused becomes an error response with its message.
 */
async function answer<T>(what: string, params: unknown, fallback: T, run: (doc: PolicyDocument) => T, stale = false): Promise<T> {
  let doc = docOf(params);
  if (!doc) return fallback;
  if (!service.isAnalyzed(doc)) {
    const last = stale && checks.isRunning(doc) ? service.lastAnalyzed(doc.uri) : undefined;
    if (last) doc = last;
    else {
      const checked = await checks.run(doc.uri);
      if (!checked) throw new ResponseError(LSPErrorCodes.ContentModified, 'the document changed while the request waited for its check');
      doc = checked;
    }
  }
  try {
    return run(doc);
  } catch (e) {
    if (e instanceof RenameRefused) throw new ResponseError(LSPErrorCodes.RequestFailed, e.message);
    connection.console.error(`${what} failed: ${(e as Error)?.stack ?? e}`);
    return fallback;
  }
}

connection.onHover((p) => answer('hover', p, null, (doc) => service.doHover(doc, p.position), true));
connection.onCompletion((p) => answer('completion', p, { isIncomplete: false, items: [] },
  (doc) => service.doComplete(doc, p.position), true));
connection.onCompletionResolve((item) => guard('completion resolve', item, () => service.doResolveCompletion(item)));
connection.onDefinition((p) => answer('definition', p, null, (doc) => service.findDefinition(doc, p.position)));
connection.onReferences((p) => answer('references', p, [], (doc) => service.findReferences(doc, p.position, !!p.context?.includeDeclaration)));
connection.onPrepareRename((p) => answer('prepare rename', p, null, (doc) => {
  const r = service.prepareRename(doc, p.position);
  if ('error' in r) throw new RenameRefused(r.error);
  return r;
}));
connection.onRenameRequest((p) => answer('rename', p, null, (doc) => {
  const r = service.doRename(doc, p.position, String(p.newName ?? ''));
  if ('error' in r) throw new RenameRefused(r.error);
  return r;
}));
connection.onDocumentSymbol((p) => answer('document symbols', p, [], (doc) => service.findDocumentSymbols(doc)));
connection.onFoldingRanges((p) => answer('folding ranges', p, [], (doc) => service.getFoldingRanges(doc)));
connection.onSelectionRanges((p) => answer('selection ranges', p, [],
  (doc) => (Array.isArray(p.positions) ? service.getSelectionRanges(doc, p.positions) : [])));
connection.languages.semanticTokens.on((p) => answer('semantic tokens', p, { data: [] }, (doc) => service.getSemanticTokens(doc)));
connection.languages.inlayHint.on((p) => answer('inlay hints', p, [], (doc) => {
  if (!p.range) return [];
  const hints = service.getInlayHints(doc, p.range);
  if (!coverage.has(doc.path)) return hints;
  const analysis = service.analyze(doc);
  return analysis.skipped ? hints : [...hints, ...coverage.inlayHints(analysis.model, doc, p.range)];
}));
connection.onCodeLens((p) => answer('code lens', p, [], (doc) => service.getCodeLenses(doc)));
connection.onDocumentFormatting((p) => guard('formatting', [] as TextEdit[], () => {
  const doc = docOf(p);
  if (!doc) return [];
  const why = formatError(doc);
  if (why) {
    connection.console.info(`${doc.uri}: ${why}`);
    return [];
  }
  return formatEdits(doc);
}));
connection.onCodeAction((p) => answer('code actions', p, [], (doc) => {
  if (!p.range) return [];
  const analysis = service.analyze(doc);
  if (analysis.skipped) return [];
  // Coverage diagnostics are ours but not the checker's: the quick fixes do not see them.
  const diagnostics = (p.context?.diagnostics ?? []).filter((d) => d.source !== COVERAGE_SOURCE);
  const actions = getCodeActions(analysis, doc, p.range, { diagnostics, ...(p.context?.only ? { only: p.context.only } : {}) });
  const only = p.context?.only;
  if (!only || only.some((k) => CodeActionKind.RefactorRewrite === k || CodeActionKind.RefactorRewrite.startsWith(`${k}.`))) {
    actions.push(...coverage.codeActions(analysis.model, doc, p.range));
  }
  return actions;
}));

/** A refusal the client shows to the user (rename of a built-in name, an invalid new name). */
class RenameRefused extends Error {}

connection.listen();
