/**
 * §7 of the spec, evaluated directly on the model: the reference meaning
 * that the compiled BPF must reproduce (the property tests compare them).
 */
import type { Abi } from '../../kernel/abi';
import { abiOfEvent } from '../../kernel/seccomp';
import { evaluate } from './condition';
import type { AbiRule, ConcreteAction, PolicyModel } from './model';

export interface SyscallEvent {
  /** `seccomp_data.arch` (AUDIT_ARCH_*). */
  readonly arch: number;
  /** `seccomp_data.nr`, including the x32 bit for x32 calls. */
  readonly nr: number;
  /** Six raw 64-bit argument registers. */
  readonly args: readonly bigint[];
}

export type DecisionOrigin =
  | { readonly kind: 'rule'; readonly entry: AbiRule }
  | { readonly kind: 'default' }
  | { readonly kind: 'badarch' };

export interface Decision {
  readonly action: ConcreteAction;
  readonly origin: DecisionOrigin;
  /** The ABI the event was matched as, when the policy accepts it. */
  readonly abi: Abi | undefined;
}

export function decide(model: PolicyModel, event: SyscallEvent): Decision {
  const abi = abiOfEvent(event.arch, event.nr);
  const table = abi && model.abis.includes(abi) ? model.tables.get(abi) : undefined;
  if (!table) {
    const any = model.tables.values().next().value;
    return { action: any?.badarchAction ?? { kind: 'kill_process', data: 0 }, origin: { kind: 'badarch' }, abi: undefined };
  }
  for (const entry of table.bySyscall.get(event.nr) ?? []) {
    if (evaluate(entry.condition, event.args)) return { action: entry.action, origin: { kind: 'rule', entry }, abi };
  }
  return { action: table.defaultAction, origin: { kind: 'default' }, abi };
}
