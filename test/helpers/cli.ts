/** Runs the CLI in-process with captured output, in a temp directory of files. */
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../server/src/cli/main';

export interface CliResult { code: number; out: string; err: string; bytes: Uint8Array[] }

export async function runCli(argv: string[], opts: { isTty?: boolean } = {}): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const bytes: Uint8Array[] = [];
  const code = await main(argv, {
    out: (t) => out.push(t), err: (t) => err.push(t), writeBytes: (b) => bytes.push(b), isTty: opts.isTty ?? false,
  });
  return { code, out: out.join('\n'), err: err.join('\n'), bytes };
}

/** Writes files (relative paths) into a new temp directory; returns its path. */
export function tempFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'seccomp-cli-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
