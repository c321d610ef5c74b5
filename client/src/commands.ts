/**
 * The extension's commands. Each acts on a seccomp policy (resolvePolicy),
 * asks the language server for what it needs, and shows the answer; none
 * starts a process or saves a file behind the user's back.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { compileRequest, type CompileFormat, type RunMode } from '../../server/src/lsp/ext';
import type { CompiledDocuments } from './compiled';
import { learnPolicy } from './learn';
import { showNotRunnable } from './notRunnable';
import type { TracePanel } from './panel/tracePanel';
import { resolvePolicy } from './policyTarget';
import type { Runs, TestRunOptions } from './runs';
import { errorText, type Server } from './server';
import type { SyscallDocs } from './syscallDocs';

export const COMMANDS = {
  testRun: 'seccompPolicy.testRun',
  testRunPermissive: 'seccompPolicy.testRunPermissive',
  testRunAsk: 'seccompPolicy.testRunAsk',
  learn: 'seccompPolicy.learn',
  compile: 'seccompPolicy.compile',
  showSyscallDoc: 'seccompPolicy.showSyscallDoc',
  restartServer: 'seccompPolicy.restartServer',
  stopRun: 'seccompPolicy.stopRun',
  showTrace: 'seccompPolicy.showTrace',
  openExamples: 'seccompPolicy.openExamples',
  showOutput: 'seccompPolicy.showOutput',
} as const;

export interface CommandDeps {
  readonly server: Server;
  readonly runs: Runs;
  readonly panel: TracePanel;
  readonly compiled: CompiledDocuments;
  readonly docs: SyscallDocs;
  readonly state: vscode.Memento;
  readonly extensionUri: vscode.Uri;
  readonly restart: () => Promise<void>;
  readonly output: vscode.OutputChannel;
}

const FORMATS: readonly { label: string; description: string; format: CompileFormat }[] = [
  { label: 'Disassembly', description: 'annotated listing beside the policy, each instruction linked to its line', format: 'disasm' },
  { label: 'C header', description: 'a sock_filter array and its sock_fprog', format: 'c' },
  { label: 'JSON', description: 'instructions, source map and path lengths', format: 'json' },
  { label: 'Raw', description: 'the bytes seccomp(2) takes, saved to a file', format: 'raw' },
];

function isFormat(v: unknown): v is CompileFormat {
  return v === 'disasm' || v === 'c' || v === 'json' || v === 'raw';
}

export function registerCommands(context: vscode.ExtensionContext, d: CommandDeps): void {
  const run = (mode: RunMode, ask = false) => async (arg?: unknown, options?: TestRunOptions) => {
    const doc = await resolvePolicy(arg);
    return doc ? d.runs.testRun(doc, mode, { ...options, ...(ask ? { ask } : {}) }) : undefined;
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.testRun, run('enforce')),
    vscode.commands.registerCommand(COMMANDS.testRunPermissive, run('permissive')),
    vscode.commands.registerCommand(COMMANDS.testRunAsk, run('enforce', true)),
    vscode.commands.registerCommand(COMMANDS.learn, (commandLine?: unknown) =>
      learnPolicy(d.server, d.state, typeof commandLine === 'string' ? commandLine : undefined)),
    vscode.commands.registerCommand(COMMANDS.compile, (arg?: unknown, format?: unknown) => compile(d, arg, isFormat(format) ? format : undefined)),
    vscode.commands.registerCommand(COMMANDS.showSyscallDoc, async (name?: unknown) => {
      const active = vscode.window.activeTextEditor?.document;
      return d.docs.show(typeof name === 'string' ? name : undefined, active?.languageId === 'seccomp' ? active.uri : undefined);
    }),
    vscode.commands.registerCommand(COMMANDS.restartServer, () => d.restart()),
    vscode.commands.registerCommand(COMMANDS.stopRun, () => d.runs.stopCurrent()),
    vscode.commands.registerCommand(COMMANDS.showTrace, () => d.panel.show()),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => d.output.show(true)),
    vscode.commands.registerCommand(COMMANDS.openExamples, () => openExamples(d.extensionUri)),
  );
}

/** Compile Policy…: asks for the format; the text formats open read-only beside the policy. */
async function compile(d: CommandDeps, arg: unknown, format: CompileFormat | undefined): Promise<vscode.Uri | undefined> {
  const doc = await resolvePolicy(arg);
  if (!doc) return undefined;
  if (!format) {
    const picked = await vscode.window.showQuickPick(FORMATS, { title: `Compile ${path.posix.basename(doc.uri.path)}`, placeHolder: 'Output format' });
    if (!picked) return undefined;
    format = picked.format;
  }
  let r;
  try {
    r = await d.server.request(compileRequest, { uri: doc.uri.toString(), format });
  } catch (err) {
    void vscode.window.showErrorMessage(`Seccomp Policy: the policy was not compiled: ${errorText(err)}`);
    return undefined;
  }
  if (!r.ok) {
    await showNotRunnable(d.server, r, doc.uri);
    return undefined;
  }
  if (format !== 'raw') {
    const editor = await d.compiled.open(doc.uri, format);
    return editor.document.uri;
  }
  const base = doc.uri.scheme === 'file' ? vscode.Uri.file(doc.uri.fsPath.replace(/\.seccomp$/, '') + '.bpf') : undefined;
  const target = await vscode.window.showSaveDialog({ title: 'Save the raw filter (struct sock_filter[])', ...(base ? { defaultUri: base } : {}), filters: { 'BPF program': ['bpf', 'bin'] } });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, Buffer.from(r.text, 'base64'));
  void vscode.window.showInformationMessage(`Seccomp Policy: ${r.instructions} instructions written to ${vscode.workspace.asRelativePath(target)}.`);
  return target;
}

/**
 * The walkthrough's first step: a folder with the examples. The workspace's
 * own `examples/` when it has one; else a copy of the extension's (never
 * the installed extension's folder itself, which is not the user's to edit).
 */
async function openExamples(extensionUri: vscode.Uri): Promise<void> {
  // This repository, or a folder the examples were copied to before (then they are at its top).
  const candidates = (vscode.workspace.workspaceFolders ?? []).flatMap((folder) => [
    vscode.Uri.joinPath(folder.uri, 'examples', 'list-directory.seccomp'),
    vscode.Uri.joinPath(folder.uri, 'list-directory.seccomp'),
  ]);
  for (const candidate of candidates) {
    try {
      await vscode.workspace.fs.stat(candidate);
      await vscode.window.showTextDocument(candidate);
      return;
    } catch {
      // not here
    }
  }
  const choice = await vscode.window.showOpenDialog({
    title: 'Where should the examples be copied?',
    canSelectFiles: false,
    canSelectFolders: true,
    openLabel: 'Copy the examples here',
  });
  const dest = choice?.[0];
  if (!dest) return;
  const target = vscode.Uri.joinPath(dest, 'seccomp-examples');
  await vscode.workspace.fs.copy(vscode.Uri.joinPath(extensionUri, 'examples'), target, { overwrite: false });
  await vscode.commands.executeCommand('vscode.openFolder', target, { forceNewWindow: false });
}
