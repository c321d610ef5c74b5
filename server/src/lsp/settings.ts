/**
 * The `seccompPolicy.*` settings as the server reads them: defensively
 * (whatever is malformed keeps its default), from `initializationOptions`,
 * `workspace/didChangeConfiguration` or `workspace/configuration`.
 *
 * Settings of scope `resource` (the helper's path, a run's limits) can
 * differ per folder of a multi-root workspace: they are asked for with the
 * policy's URI as `scopeUri` when a run starts, not cached globally.
 */
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection, InitializeParams } from 'vscode-languageserver/node';
import { lookupAbi, type Abi } from '../kernel/abi';
import type { LintLevel, ServiceSettings } from '../service/service';

/** The settings section (`seccompPolicy.*`). */
export const SECTION = 'seccompPolicy';

const LEVELS: readonly LintLevel[] = ['off', 'hint', 'information', 'warning', 'error'];

/** `a.b` in either a flat (`{"a.b": 1}`) or a nested (`{a: {b: 1}}`) settings object. */
function getter(raw: unknown): (path: string) => unknown {
  if (!raw || typeof raw !== 'object') return () => undefined;
  const r = raw as Record<string, unknown>;
  return (path) => {
    if (path in r) return r[path];
    return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), r);
  };
}

/** The service's settings from a `seccompPolicy` object; `current` gives the lint levels not mentioned. */
export function parseSettings(raw: unknown, current: ServiceSettings): Partial<ServiceSettings> {
  const get = getter(raw);
  const out: { -readonly [K in keyof ServiceSettings]?: ServiceSettings[K] } = {};
  const abis = get('abis');
  if (Array.isArray(abis)) {
    out.abis = [...new Set(abis.map((a) => (typeof a === 'string' ? lookupAbi(a)?.name : undefined)).filter((a): a is Abi => !!a))];
  }
  const max = get('maxNumberOfProblems');
  if (typeof max === 'number' && max >= 1) out.maxNumberOfProblems = Math.floor(max);
  const numbers = get('inlayHints.syscallNumbers');
  if (typeof numbers === 'boolean') out.inlayHints = { syscallNumbers: numbers };
  const level = (v: unknown, dflt: LintLevel): LintLevel => (typeof v === 'string' && LEVELS.includes(v as LintLevel) ? v as LintLevel : dflt);
  const dangerous = get('lint.dangerous');
  const hints = get('lint.hints');
  if (dangerous !== undefined || hints !== undefined) {
    out.lint = { dangerous: level(dangerous, current.lint.dangerous), hints: level(hints, current.lint.hints) };
  }
  const dirs = get('includeDirectories');
  if (Array.isArray(dirs)) out.includeDirectories = dirs.filter((d): d is string => typeof d === 'string' && d.trim() !== '').map((d) => d.trim());
  return out;
}

/** The path of a workspace folder's URI; undefined when it is not a `file:` URI (nothing on disk to include from). */
function folderPath(uri: unknown): string | undefined {
  if (typeof uri !== 'string' || !uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** The workspace folders' paths, from `initialize` (`workspaceFolders`, else the older `rootUri`/`rootPath`). */
export function workspaceFolderPaths(params: InitializeParams): string[] {
  const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  const paths: string[] = [];
  for (const uri of uris) {
    const path = folderPath(uri);
    if (path !== undefined) paths.push(path);
  }
  if (paths.length === 0 && typeof params.rootPath === 'string' && params.rootPath !== '') paths.push(params.rootPath);
  return paths;
}

/**
 * The workspace folders after a `workspace/didChangeWorkspaceFolders`
 * event (`{ added, removed }`, each a list of `{ uri, name }`): the removed
 * ones dropped, the added ones appended, each folder once. Malformed
 * entries are ignored.
 */
export function changedWorkspaceFolders(folders: readonly string[], event: unknown): string[] {
  const e = (event ?? {}) as { added?: unknown; removed?: unknown };
  const paths = (list: unknown): string[] => (Array.isArray(list)
    ? list.map((f) => folderPath((f as { uri?: unknown } | null)?.uri)).filter((p): p is string => p !== undefined)
    : []);
  const removed = new Set(paths(e.removed));
  return [...new Set([...folders.filter((f) => !removed.has(f)), ...paths(e.added)])];
}

/**
 * The folders the policy at `root` may include from besides its own
 * folder's tree: every workspace folder, and each of `setting`
 * (`seccompPolicy.includeDirectories`), a relative one taken from the
 * workspace folder that holds the policy (else the first).
 */
export function includeDirectoriesFor(root: string, workspaceFolders: readonly string[], setting: readonly string[]): string[] {
  const home = workspaceFolders.find((f) => root.startsWith(f.endsWith('/') ? f : `${f}/`)) ?? workspaceFolders[0];
  const listed = setting.flatMap((d) => (isAbsolute(d) ? [d] : home ? [join(home, d)] : []));
  return [...workspaceFolders, ...listed];
}

/** What a run needs from the settings of the policy's folder. */
export interface RunSettings {
  /** `seccompPolicy.helper.path`: a helper to use instead of the bundled one. */
  readonly helperPath: string | undefined;
}

export function parseRunSettings(raw: unknown): RunSettings {
  const path = getter(raw)('helper.path');
  return { helperPath: typeof path === 'string' && path.trim() !== '' ? path.trim() : undefined };
}

/**
 * The run settings for `uri`: asked of the client with `scopeUri` when it
 * can answer `workspace/configuration`, else the ones it pushed; the
 * `initializationOptions.helperPath` stands when no setting names a helper.
 */
export async function runSettingsFor(connection: Connection, uri: string | undefined, pull: boolean, pushed: unknown, initHelperPath: string | undefined): Promise<RunSettings> {
  let raw: unknown = pushed;
  if (pull) {
    try {
      raw = await connection.workspace.getConfiguration({ ...(uri ? { scopeUri: uri } : {}), section: SECTION });
    } catch {
      // A client that fails to answer gets the defaults.
    }
  }
  const s = parseRunSettings(raw);
  return { helperPath: s.helperPath ?? initHelperPath };
}
