/** `seccomp-policy diff OLD NEW`: which decisions change, per ABI and syscall, for review in pull requests. */
import type { Abi } from '../../kernel/abi';
import { diffPolicies, type AbiDiff, type DecisionChange, type PolicyDiff } from '../../compiler/diff';
import { parseFileArgs } from '../args';
import { INCLUDE_DIR_OPTION, INCLUDE_DIR_USAGE, loadValidPolicy, policyHostFor } from '../load';
import type { Io } from '../io';
import { parseAbiList } from './compile';

export const DIFF_USAGE = `usage: seccomp-policy diff [--json] [--arch ABI[,ABI...]] OLD NEW
  Compiles both policies and says which syscalls, on which ABI, get another
  decision (action) under NEW, and for which argument values when only some
  calls change. Computed on the compiled filters over every input, so it is
  exact: "no change" means no call on any ABI is decided differently.
  --json  {changed, abis: [{abi, every?, changes: [{syscall, before, after, when, example}]}], foreignArch?}
  --arch  look at these ABIs only (default: all six)
${INCLUDE_DIR_USAGE}
  Exit status: 0 no decision changes, 1 some do, 2 usage error or a policy
  that cannot be compiled (as diff(1): 2 is trouble, never "changed").

examples:
  seccomp-policy diff main.seccomp branch.seccomp
  git show main:policy.seccomp > /tmp/old.seccomp && seccomp-policy diff /tmp/old.seccomp policy.seccomp
  seccomp-policy diff --json --arch x86_64 old.seccomp new.seccomp`;

export function runDiff(argv: readonly string[], io: Io): number {
  const args = parseFileArgs(argv, { json: {}, arch: { value: true }, help: { short: 'h' }, ...INCLUDE_DIR_OPTION });
  const host = policyHostFor(args);
  if (args.options.has('help')) { io.out(DIFF_USAGE); return 0; }
  if (args.positional.length !== 2) { io.err(`seccomp-policy diff: expected two policy files, OLD and NEW\n${DIFF_USAGE}`); return 2; }
  const abis: Abi[] | undefined = args.options.has('arch') ? parseAbiList(args.options.get('arch') as string) : undefined;
  const [oldPath, newPath] = args.positional as [string, string];
  const before = loadValidPolicy(oldPath, io, 'diff', {}, host);
  if (!before) return 2;
  const after = loadValidPolicy(newPath, io, 'diff', {}, host);
  if (!after) return 2;
  const diff = diffPolicies(before, after, abis);
  if (args.options.has('json')) io.out(JSON.stringify(diff, (_, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v), 2));
  else io.out(diffText(diff));
  return diff.changed ? 1 : 0;
}

/** One block per ABI that changes, syscalls by name; ABIs with the same changes share a block. */
export function diffText(diff: PolicyDiff): string {
  if (!diff.changed) return 'no decision changes';
  const lines: string[] = [];
  const blocks = new Map<string, Abi[]>();
  for (const abi of diff.abis) {
    if (abi.changes.length === 0) continue;
    const body = abiLines(abi).join('\n');
    blocks.set(body, [...(blocks.get(body) ?? []), abi.abi]);
  }
  for (const [body, abis] of blocks) lines.push(`${abis.join(', ')}:`, body);
  if (diff.foreignArch) {
    const f = diff.foreignArch;
    lines.push(`arches no ABI has (e.g. 0x${f.example.arch.toString(16)}): ${f.before.action} -> ${f.after.action}`);
  }
  return lines.join('\n');
}

function abiLines(abi: AbiDiff): string[] {
  if (abi.every) {
    const c = abi.changes[0]!;
    return [`  every syscall: ${abi.every.before} (${c.before.origin}) -> ${abi.every.after} (${c.after.origin})`];
  }
  // By name, so that ABIs whose changes are the same read the same and share a block.
  const named = (c: DecisionChange) => c.syscall ?? '\uffff';
  return [...abi.changes].sort((a, b) => named(a).localeCompare(named(b)) || a.when.join().localeCompare(b.when.join())).map(changeLine);
}

function changeLine(c: DecisionChange): string {
  const name = c.syscall ?? `numbers no syscall has (e.g. ${c.example.nr})`;
  const when = c.when.length ? ` when ${c.when.join(' && ')}` : '';
  return `  ${name}${when}: ${c.before.action} (${c.before.origin}) -> ${c.after.action} (${c.after.origin})`;
}
