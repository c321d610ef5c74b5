/**
 * Code lenses over the policy's first line: the compiled filter's size per
 * ABI (from the compiler), and commands to compile and to test-run the
 * policy. The commands are the extension's (`seccompPolicy.compile`,
 * `seccompPolicy.testRun`).
 */
import type { CodeLens } from 'vscode-languageserver-types';
import { compilePolicy } from '../compiler/compile';
import { BPF_MAXINSNS } from '../bpf/instructions';
import { isFragment } from './validate';
import type { Analysis, FeatureContext } from './context';

export const COMPILE_COMMAND = 'seccompPolicy.compile';
export const TEST_RUN_COMMAND = 'seccompPolicy.testRun';

const sizes = new WeakMap<Analysis, { abi: string; length: number; atLeast: boolean }[]>();

export function getCodeLenses(ctx: FeatureContext): CodeLens[] {
  const { analysis, doc } = ctx;
  const { model } = analysis;
  if (analysis.skipped || isFragment(model)) return [];
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const args = [doc.uri];
  // The size lens opens the annotated listing directly (the command's second argument is the format).
  const listingArgs = [doc.uri, 'disasm'];
  if (analysis.diagnostics.some((d) => d.severity === 'error')) {
    return [{ range, command: { title: 'BPF: fix the errors to compile', command: COMPILE_COMMAND, arguments: listingArgs } }];
  }
  let perAbi = sizes.get(analysis);
  if (!perAbi) {
    perAbi = model.abis.map((abi) => {
      // One ABI: the program the analysis compiled already.
      if (model.abis.length === 1 && analysis.program) return { abi, length: analysis.program.instructions.length, atLeast: false };
      const r = compilePolicy(model, { abis: [abi] });
      // A program far over the limit is not built in full: its length is a lower bound.
      return { abi, length: r.ok ? r.program.instructions.length : r.length, atLeast: !r.ok && !r.exact };
    });
    sizes.set(analysis, perAbi);
  }
  const title = 'BPF: ' + perAbi.map((s) => `${s.abi} ${s.atLeast ? 'over ' : ''}${s.length}${s.length > BPF_MAXINSNS ? ' (too large)' : ''}`).join(' · ') + ' instructions';
  return [
    { range, command: { title, command: COMPILE_COMMAND, arguments: listingArgs } },
    { range, command: { title: 'Test run…', command: TEST_RUN_COMMAND, arguments: args } },
  ];
}
