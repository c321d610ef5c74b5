/**
 * The extension's own settings (the server reads the language settings
 * itself, per folder, through `workspace/configuration`). Read per policy:
 * every setting here has scope `resource`, so a multi-root workspace can
 * set them per folder.
 */
import * as vscode from 'vscode';
import type { RunParams } from '../../server/src/lsp/ext';
import { DEFAULT_MAX_ROWS } from '../shared/traceStore';

export const SECTION = 'seccompPolicy';

export interface RunSettings {
  /** The command line Test Run offers when none was typed for this policy yet. */
  readonly commandLine: string;
  readonly timeout: number | undefined;
  readonly install: NonNullable<RunParams['install']>;
  readonly stringLimit: number | undefined;
}

export function runSettings(scope: vscode.Uri | undefined): RunSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const timeout = c.get<number>('run.timeout', 0);
  const stringLimit = c.get<number>('run.stringLimit', 0);
  return {
    commandLine: c.get<string>('run.commandLine', ''),
    timeout: timeout > 0 ? timeout : undefined,
    install: c.get<'before-exec' | 'after-exec'>('run.install', 'before-exec'),
    stringLimit: stringLimit > 0 ? stringLimit : undefined,
  };
}

/** The helper named in settings (restricted: ignored in untrusted workspaces). */
export function helperPath(): string | undefined {
  if (!vscode.workspace.isTrusted) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const p = vscode.workspace.getConfiguration(SECTION, folder).get<string>('helper.path', '').trim();
  return p === '' ? undefined : p;
}

/** How many rows the trace panel keeps (older ones are dropped, and counted). */
export function maxTraceRows(): number {
  const n = vscode.workspace.getConfiguration(SECTION).get<number>('trace.maxRows', DEFAULT_MAX_ROWS);
  return Number.isInteger(n) && n >= 1000 ? n : DEFAULT_MAX_ROWS;
}
