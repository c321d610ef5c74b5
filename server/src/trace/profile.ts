/**
 * A trace saved by `seccomp-policy run --json` (docs/trace.md) → the call
 * counts `compile --profile` weighs the filter with. Pure: the CLI reads the
 * file and hands the text over.
 */
import { abiOfEvent } from '../kernel/seccomp';
import type { ArgSample, SyscallProfile } from '../compiler/profile';
import type { Abi } from '../kernel/abi';

/**
 * Distinct argument vectors kept per syscall. Enough to order the checks of
 * one rule by how often each holds; a syscall called with ever-new
 * arguments (read's buffers) stops growing here, and its counts still count.
 */
const MAX_SAMPLES = 64;

export type ProfileResult =
  | { readonly ok: true; readonly profile: SyscallProfile; readonly calls: number }
  | { readonly ok: false; readonly error: string };

/** Parses the JSON lines of a saved trace; an error is one line, fit to print after the file name. */
export function profileFromTrace(text: string): ProfileResult {
  const calls = new Map<Abi, Map<number, number>>();
  const samples = new Map<Abi, Map<number, Map<string, { args: bigint[]; count: number }>>>();
  let total = 0;
  let lineNo = 0;
  let sawHello = false;
  for (const raw of text.split('\n')) {
    lineNo++;
    const line = raw.trim();
    if (line === '') continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      return { ok: false, error: `line ${lineNo} is not JSON: not a trace saved by \`seccomp-policy run --json -o FILE\`` };
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      return { ok: false, error: `line ${lineNo} is not a trace event` };
    }
    const e = event as Record<string, unknown>;
    if (e['type'] === 'hello') {
      sawHello = true;
      // The fast path stops only on calls the policy does not simply allow: the hot ones are missing.
      if (e['only_decisions'] === true) return { ok: false, error: 'the trace was recorded with --only-decisions, so allowed calls are missing; record it without' };
      continue;
    }
    // The helper's own calls before the filter say nothing about the program.
    if (e['type'] !== 'syscall' || e['startup'] === true) continue;
    const arch = e['abi'];
    const nr = e['nr'];
    if (typeof arch !== 'number' || typeof nr !== 'number' || !Number.isInteger(nr) || nr < 0 || nr > 0xffffffff) {
      return { ok: false, error: `line ${lineNo}: a syscall event without a numeric abi and nr` };
    }
    const abi = abiOfEvent(arch, nr);
    if (!abi) continue; // an audit arch we do not know: no filter of ours dispatches on it
    total++;
    let perAbi = calls.get(abi);
    if (!perAbi) calls.set(abi, (perAbi = new Map()));
    perAbi.set(nr, (perAbi.get(nr) ?? 0) + 1);
    const args = parseArgs(e['args']);
    if (!args) continue;
    let bySyscall = samples.get(abi);
    if (!bySyscall) samples.set(abi, (bySyscall = new Map()));
    let seen = bySyscall.get(nr);
    if (!seen) bySyscall.set(nr, (seen = new Map()));
    const key = args.join(',');
    const hit = seen.get(key);
    if (hit) hit.count++;
    else if (seen.size < MAX_SAMPLES) seen.set(key, { args, count: 1 });
  }
  if (!sawHello && total === 0) return { ok: false, error: 'no trace events: not a trace saved by `seccomp-policy run --json -o FILE`' };
  if (total === 0) return { ok: false, error: 'the trace has no system calls to weigh the filter with' };
  const args = new Map<Abi, Map<number, readonly ArgSample[]>>();
  for (const [abi, bySyscall] of samples) {
    const out = new Map<number, readonly ArgSample[]>();
    for (const [nr, seen] of bySyscall) out.set(nr, [...seen.values()]);
    args.set(abi, out);
  }
  return { ok: true, profile: { calls, args }, calls: total };
}

/** The six registers, hex strings in the trace; undefined when they are not. */
function parseArgs(value: unknown): bigint[] | undefined {
  if (!Array.isArray(value) || value.length !== 6) return undefined;
  const out: bigint[] = [];
  for (const v of value) {
    if (typeof v !== 'string' || !/^0x[0-9a-f]{1,16}$/i.test(v)) return undefined;
    out.push(BigInt(v));
  }
  return out;
}
