/**
 * The language core as a library (bundled to dist/core.js): what the
 * benchmarks, the extension's trace panel and other tools build on.
 */
export * from './policy/index';
export { diagnoseModel } from './compiler/diagnose';
export { compilePolicy, type CompiledProgram, type CompileResult, type CompileOptions } from './compiler/compile';
export { explain, type Explanation } from './compiler/attribute';
export { programStats, type ProgramStats } from './compiler/stats';
export { toRaw, toCHeader, toDisassembly, toJson } from './compiler/output';
export type { Origin, SourceMap } from './compiler/sourcemap';
export { runProgram } from './bpf/interpreter';
export { actionOf, formatAction } from './kernel/seccomp';
export { validateProgram } from './bpf/validator';
export { encodeProgram, decodeProgram } from './bpf/instructions';
export { ABIS, lookupAbi, abiInfo, type Abi } from './kernel/abi';
export { getSyscall, allSyscalls, syscallByNumber } from './kernel/syscalls';
export { getConstant, constantValue, errnoName, signalName } from './kernel/constants';
