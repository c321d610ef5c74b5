/** Helpers for the service suites: a service over in-memory files, and `|` as the cursor. */
import type { Position } from 'vscode-languageserver-types';
import { LineIndex } from '../../../server/src/policy/text';
import { createPolicyService, type DirectoryEntry, type PolicyDocument, type PolicyService, type ServiceSettings } from '../../../server/src/service/service';

export const ROOT = '/p/root.seccomp';
export const ROOT_URI = 'file:///p/root.seccomp';

export interface Fixture {
  service: PolicyService;
  doc: PolicyDocument;
  /** The cursor (`|` in the input), or 0:0. */
  position: Position;
  /** The text without the cursor mark. */
  text: string;
  /** Offset ↔ position for the text. */
  lines: LineIndex;
}

/**
 * A service whose host holds `files` (absolute paths) and a document at
 * /p/root.seccomp with `input`, where `|` marks the cursor.
 */
export function fixture(input: string, files: Record<string, string> = {}, settings: Partial<ServiceSettings> = {}): Fixture {
  const at = input.indexOf('|');
  const text = at >= 0 ? input.slice(0, at) + input.slice(at + 1) : input;
  const all: Record<string, string> = { ...files, [ROOT]: text };
  const service = createPolicyService({
    host: {
      readFile: (path) => (all[path] === undefined ? { error: 'no such file or directory' } : { text: all[path]! }),
      listDirectory(path): DirectoryEntry[] | undefined {
        const prefix = path.endsWith('/') ? path : `${path}/`;
        const names = new Map<string, boolean>();
        for (const p of Object.keys(all)) {
          if (!p.startsWith(prefix)) continue;
          const rest = p.slice(prefix.length);
          const slash = rest.indexOf('/');
          names.set(slash < 0 ? rest : rest.slice(0, slash), slash >= 0);
        }
        return names.size ? [...names].map(([name, isDirectory]) => ({ name, isDirectory })) : undefined;
      },
    },
    settings,
  });
  const lines = new LineIndex(text);
  return { service, doc: { uri: ROOT_URI, path: ROOT, version: 1, text }, position: lines.positionAt(Math.max(0, at)), text, lines };
}

/** The text a range covers in the fixture's document. */
export function textOf(f: Fixture, range: { start: Position; end: Position }): string {
  return f.text.slice(f.lines.offsetAt(range.start), f.lines.offsetAt(range.end));
}
