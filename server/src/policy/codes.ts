/**
 * Every diagnostic code the language core can report, with its severity
 * and layer (1xx lexer, 2xx parser, 3xx semantics, 4xx compiler). Codes are
 * a public contract: CI filters and editor settings refer to them.
 * docs/diagnostics.md lists the same table; a test keeps the two in step.
 */
import type { Severity } from './diagnostics';

export interface CodeInfo {
  readonly severity: Severity;
  readonly layer: 100 | 200 | 300 | 400;
  readonly summary: string;
}

export const SEMANTIC_CODES = {
  // Errors
  'unknown-syscall': { severity: 'error', layer: 300, summary: 'A syscall name that no ABI of the policy has.' },
  'unknown-group': { severity: 'error', layer: 300, summary: 'A `@group` that is neither built in nor defined.' },
  'unknown-constant': { severity: 'error', layer: 300, summary: 'A name in an expression that is no argument, constant or define.' },
  'unknown-argument': { severity: 'error', layer: 300, summary: 'An argument name that a syscall of the rule does not have.' },
  'unknown-errno': { severity: 'error', layer: 300, summary: 'An errno name that does not exist.' },
  'unknown-abi': { severity: 'error', layer: 300, summary: 'An ABI name that `arch` does not know.' },
  'missing-default': { severity: 'error', layer: 300, summary: 'The root file has no `default` statement.' },
  'duplicate-setting': { severity: 'error', layer: 300, summary: '`arch`, `default` or `badarch` written more than once.' },
  'root-only-statement': { severity: 'error', layer: 300, summary: '`arch`, `default` or `badarch` in an included file.' },
  'include-not-found': { severity: 'error', layer: 300, summary: 'An included file that cannot be read.' },
  'include-cycle': { severity: 'error', layer: 300, summary: 'A file that includes itself, directly or not.' },
  'include-depth': { severity: 'error', layer: 300, summary: 'Includes nested deeper than 16 files.' },
  'include-too-large': { severity: 'error', layer: 300, summary: 'Includes that splice more than 100,000 statements or 16 MiB of text in all (a file included many times over, each time including others).' },
  'include-outside': { severity: 'error', layer: 300, summary: 'An include outside the policy\'s folder tree and the workspace, in no folder that `seccompPolicy.includeDirectories` or `--include-dir` allows.' },
  'include-not-policy': { severity: 'error', layer: 300, summary: 'An included file that does not look like a policy (its first statement is not valid and its name does not end in `.seccomp`); its content is not quoted.' },
  'constant-out-of-range': { severity: 'error', layer: 300, summary: 'A constant that does not fit the width of the argument it is compared with.' },
  'argument-comparison': { severity: 'error', layer: 300, summary: 'A comparison between two arguments (seccomp can only compare with constants).' },
  'unsupported-expression': { severity: 'error', layer: 300, summary: 'Arithmetic on an argument other than `& MASK`.' },
  'type-mismatch': { severity: 'error', layer: 300, summary: 'An integer where a condition is wanted, or a condition where an integer is wanted.' },
  'not-constant': { severity: 'error', layer: 300, summary: 'An argument where a constant expression is required (`define`, `errno`, `trap`, `trace`).' },
  'action-value-out-of-range': { severity: 'error', layer: 300, summary: '`errno` outside 0..4095, or `trap`/`trace` outside 0..65535.' },
  'define-conflict': { severity: 'error', layer: 300, summary: 'A name defined twice with different values.' },
  'define-cycle': { severity: 'error', layer: 300, summary: 'A `define` whose value depends on itself.' },
  'group-conflict': { severity: 'error', layer: 300, summary: 'A group defined twice.' },
  'group-cycle': { severity: 'error', layer: 300, summary: 'A group that contains itself, directly or not.' },
  'shift-out-of-range': { severity: 'error', layer: 300, summary: 'A shift by a negative count or by 64 or more (`1 << 64`, `4 >> -1`).' },
  'integer-overflow': { severity: 'error', layer: 300, summary: 'A constant that does not fit in 64 bits (`0x8000000000000000 << 1`, a literal of more than 64 bits).' },
  'invalid-syscall-number': { severity: 'error', layer: 300, summary: '`syscall(N)` with a number outside 0..0x7fffffff.' },
  'argument-not-visible': { severity: 'error', layer: 300, summary: 'A condition on an argument that seccomp cannot see on some ABI of the policy (behind a pointer, as i386 `mmap` (90) and `select` (82) take theirs, or absent there).' },
  'condition-on-group-without-argument': { severity: 'error', layer: 300, summary: 'A named argument used in a rule whose syscalls do not all have it.' },
  // Warnings
  'unreachable-rule': { severity: 'warning', layer: 300, summary: 'A rule that an earlier rule for the same syscalls always decides first.' },
  'duplicate-rule': { severity: 'warning', layer: 300, summary: 'The same rule written twice.' },
  'constant-condition': { severity: 'warning', layer: 300, summary: 'A condition that is always true or always false.' },
  'pointer-argument': { severity: 'warning', layer: 300, summary: 'A condition on a pointer argument: it compares the address, not the memory.' },
  'foreign-constant': { severity: 'warning', layer: 300, summary: 'A built-in constant compared with an argument that takes another family of constants (`prot == O_RDONLY`).' },
  'shadowed-constant': { severity: 'warning', layer: 300, summary: 'A `define` or group that hides a built-in name.' },
  // Hints (shown as information)
  'redundant-rule': { severity: 'information', layer: 300, summary: 'A rule whose action equals the default action.' },
  'syscall-missing-on-abi': { severity: 'information', layer: 300, summary: 'A syscall that some ABI of the policy does not have; the rule is skipped there.' },
  'prefer-enosys': { severity: 'information', layer: 300, summary: 'clone3/openat2/faccessat2 denied with an errno other than ENOSYS while the older call is allowed.' },
  'exec-mapping-denied': { severity: 'information', layer: 300, summary: '`execve` allowed while `mmap`/`mmap2` with `PROT_EXEC` is denied: every dynamically linked program stops in its loader.' },
  'execve-denied': { severity: 'information', layer: 300, summary: 'The policy does not allow `execve`, so a program cannot be started under it.' },
  'obsolete-syscall': { severity: 'information', layer: 300, summary: 'A syscall kept only for old binaries.' },
  'positional-argument-name': { severity: 'information', layer: 300, summary: '`argN` on a syscall whose man page names another parameter `argN` (prctl): `argN` is always register N.' },
  'dangerous-syscall': { severity: 'information', layer: 300, summary: 'An allowance that weakens a sandbox (ptrace, bpf, mount, unconditional ioctl, …), named directly or through a group.' },
  // Compiler limits
  'filter-too-large': { severity: 'error', layer: 400, summary: 'The compiled filter for some ABI needs more than 4096 instructions.' },
} as const satisfies Record<string, CodeInfo>;

export type SemanticCode = keyof typeof SEMANTIC_CODES;
