/** `seccomp-policy simulate FILE --arch ABI --syscall NAME|NUMBER [--args A0,A1,...] [--json]` */
import { abiInfo, type Abi } from '../../kernel/abi';
import { constantValue } from '../../kernel/constants';
import { getSyscall, syscallByNumber } from '../../kernel/syscalls';
import { actionText } from '../../kernel/seccomp';
import { explain } from '../../compiler/attribute';
import { originPlace, originText, type Origin } from '../../compiler/sourcemap';
import type { PolicyModel } from '../../policy/semantics/model';
import { parseFileArgs, UsageError } from '../args';
import { INCLUDE_DIR_OPTION, INCLUDE_DIR_USAGE, loadValidPolicy, policyHostFor } from '../load';
import type { Io } from '../io';
import { parseAbiList } from './compile';

export const SIMULATE_USAGE = `usage: seccomp-policy simulate FILE --arch ABI --syscall NAME|NUMBER [--args A0,A1,...] [--json]
  Runs the compiled filter on one syscall and prints the action and the rule that decided it.
  Arguments are numbers (decimal, 0x hex, negative) or constant names, combined with |.
${INCLUDE_DIR_USAGE}

examples:
  seccomp-policy simulate policy.seccomp --syscall openat --args AT_FDCWD,0,O_WRONLY|O_CREAT
  seccomp-policy simulate policy.seccomp --arch aarch64 --syscall 56 --json`;

/**
 * A number, a constant or `A|B|…`, as the value of one register: 64 bits, or
 * 32 on i386 and arm, whose tasks cannot put more in a register (a 64-bit
 * parameter there takes two registers, low word first).
 */
function parseValue(text: string, abi: Abi): bigint {
  const bits = abiInfo(abi).registerBits;
  const fit = (n: bigint, part: string): bigint => {
    if (n > (1n << BigInt(bits)) - 1n || n < -(1n << BigInt(bits - 1))) {
      throw new UsageError(`'${part}' does not fit in a ${bits}-bit register of ${abi}` +
        (bits === 32 ? '; a 64-bit argument there takes two registers: give its low and high words as two values' : ''));
    }
    return BigInt.asUintN(bits, n);
  };
  let v = 0n;
  for (const part of text.split('|').map((s) => s.trim())) {
    if (/^-?(0x[0-9a-f_]+|0o[0-7_]+|0b[01_]+|[0-9_]+)$/i.test(part)) {
      const neg = part.startsWith('-');
      const body = (neg ? part.slice(1) : part).replace(/_/g, '');
      const n = BigInt(body.toLowerCase().startsWith('0o') ? '0o' + body.slice(2) : body);
      v |= fit(neg ? -n : n, part);
    } else {
      const c = constantValue(part, abi);
      if (c === undefined) throw new UsageError(`'${part}' is not a number or a constant known on ${abi}`);
      v |= fit(c, part);
    }
  }
  return v;
}

export function describeOrigin(model: PolicyModel, origin: Origin): string {
  const place = originPlace(origin, model);
  switch (origin.kind) {
    case 'rule': return `by rule at ${place} (${originText(origin, model)})`;
    case 'default': return place ? `by default at ${place}` : 'by default';
    case 'badarch': return `by badarch${place ? ` at ${place}` : ''} (the ABI is not in the policy's arch)`;
    default: return 'by the dispatch';
  }
}

/** `--arch` names the one ABI a call is simulated on; a list would silently use its first. */
function oneAbi(text: string): Abi {
  const abis = parseAbiList(text);
  if (abis.length > 1) throw new UsageError(`--arch takes one ABI (a call is simulated on one), not '${text}'`);
  return abis[0]!;
}

export function runSimulate(argv: readonly string[], io: Io): number {
  const args = parseFileArgs(argv, { arch: { value: true }, syscall: { value: true }, args: { value: true }, json: {}, help: { short: 'h' }, ...INCLUDE_DIR_OPTION });
  if (args.options.has('help')) { io.out(SIMULATE_USAGE); return 0; }
  if (args.positional.length !== 1) { io.err(`seccomp-policy simulate: expected one policy file\n${SIMULATE_USAGE}`); return 2; }
  if (!args.options.has('syscall')) { io.err(`seccomp-policy simulate: --syscall is required\n${SIMULATE_USAGE}`); return 2; }
  const loaded = loadValidPolicy(args.positional[0]!, io, 'simulate', {}, policyHostFor(args));
  if (!loaded) return 1;
  const { model, program } = loaded;
  const abi = args.options.has('arch') ? oneAbi(args.options.get('arch') as string) : model.abis[0]!;
  const sc = args.options.get('syscall') as string;
  let nr: number;
  let name: string | undefined;
  if (/^(0x[0-9a-f]+|[0-9]+)$/i.test(sc)) {
    nr = Number(sc);
    // seccomp_data.nr is 32 bits: a wider number would be simulated as its low word, under its own name.
    if (nr > 0xffffffff) throw new UsageError(`syscall number ${sc} does not fit in 32 bits (seccomp_data.nr)`);
    name = syscallByNumber(abi, nr)?.name;
  } else {
    const info = getSyscall(sc);
    if (!info) throw new UsageError(`unknown syscall '${sc}'`);
    if (info.numbers[abi] === undefined) throw new UsageError(`'${sc}' does not exist on ${abi}`);
    nr = info.numbers[abi]!;
    name = sc;
  }
  const values = args.options.has('args') ? (args.options.get('args') as string).split(',').map((s) => parseValue(s, abi)) : [];
  if (values.length > 6) throw new UsageError('a syscall has at most 6 arguments');
  while (values.length < 6) values.push(0n);
  const e = explain(program, { arch: abiInfo(abi).auditArch, nr, instructionPointer: 0n, args: values });
  const action = actionText(e.ret, abi);
  const why = describeOrigin(model, e.origin);
  if (args.options.has('json')) {
    io.out(JSON.stringify({
      abi, syscall: name ?? null, nr, args: values.map((v) => '0x' + v.toString(16)), action, ret: e.ret,
      origin: e.origin, steps: e.steps, explanation: `${action} ${why}`,
    }, null, 2));
  } else {
    io.out(`${name ?? `syscall ${nr}`} on ${abi}: ${action} ${why}`);
  }
  return 0;
}
