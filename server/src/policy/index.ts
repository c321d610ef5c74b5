/** The language core's public surface for the service, CLI and compiler. */
export { parsePolicy } from './syntax/parser';
export { LineIndex } from './text';
export { buildPolicyModel, type RootSource } from './semantics/build';
export { checkModel, checkPolicy } from './check';
export { decide, type Decision, type SyscallEvent, type DecisionOrigin } from './semantics/decide';
export { abiOfEvent } from '../kernel/seccomp';
export * from './semantics/model';
export * from './semantics/condition';
export type { PolicyDiagnostic, Severity, RelatedLocation } from './diagnostics';
export { SEMANTIC_CODES } from './codes';
