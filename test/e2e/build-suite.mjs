// Compiles the in-VS-Code test suite (test/e2e/suite/*.ts) to CommonJS in
// test/e2e/out/suite/, next to test/e2e/node_modules so that `mocha` resolves.
// Each spec is bundled (it may import the protocol types and constants of
// server/src/lsp/ext.ts); `vscode` and `mocha` stay external.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const suiteOut = join(here, 'out', 'suite');
export const suiteEntry = join(suiteOut, 'index.js');

export async function buildSuite() {
  const src = join(here, 'suite');
  const entryPoints = readdirSync(src).filter((f) => f.endsWith('.ts')).map((f) => join(src, f));
  rmSync(suiteOut, { recursive: true, force: true });
  await build({
    entryPoints,
    outdir: suiteOut,
    bundle: true,
    external: ['vscode', 'mocha'],
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return suiteEntry;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await buildSuite());
}
