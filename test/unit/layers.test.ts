/**
 * The layers of ARCHITECTURE.md, checked on the imports of every source
 * file: the language core does no I/O and knows nothing of the editor;
 * only `server/src/driver/` reads and writes files and starts processes;
 * the CLI and the language server are layers over the driver and never
 * import each other.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const src = resolve(import.meta.dirname, '..', '..', 'server', 'src');

/** Every import specifier of a file: `import … from`, `export … from`, `import(…)`, `require(…)`. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s+'([^']+)'/g, /\bimport\s+'([^']+)'/g, /\bimport\(\s*'([^']+)'\s*\)/g, /\brequire\(\s*'([^']+)'\s*\)/g];
  for (const re of patterns) for (const m of text.matchAll(re)) found.push(m[1]!);
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

/** The top folder under server/src a path (file or resolved import) is in. */
const layerOf = (path: string) => relative(src, path).split('/')[0]!;

const CORE = new Set(['kernel', 'policy', 'compiler', 'bpf', 'service', 'trace', 'interop']);
/** Node modules that only compute on strings: allowed in the thin layers, which name files without opening them. */
const PURE_NODE = new Set(['node:path', 'node:url']);
const builtin = (spec: string) => spec.startsWith('node:') || ['fs', 'child_process', 'os', 'net', 'path', 'url', 'readline', 'stream', 'tty'].includes(spec);

function violations(): string[] {
  const out: string[] = [];
  for (const file of sources(src)) {
    const layer = layerOf(file);
    const where = relative(src, file);
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const target = spec.startsWith('.') ? layerOf(resolve(file, '..', spec)) : undefined;
      if (CORE.has(layer)) {
        if (builtin(spec)) out.push(`${where}: the core imports ${spec} (no I/O in the core)`);
        if (spec === 'vscode' || spec.startsWith('vscode-languageserver/') || spec === 'vscode-languageserver') out.push(`${where}: the core imports ${spec}`);
        if (target && !CORE.has(target) && target !== 'index.ts') out.push(`${where}: the core imports ${spec} (layer ${target})`);
      } else if (layer === 'cli' || layer === 'lsp') {
        if (builtin(spec) && !PURE_NODE.has(spec)) out.push(`${where}: ${spec} belongs in server/src/driver/`);
        const other = layer === 'cli' ? 'lsp' : 'cli';
        if (target === other) out.push(`${where}: ${layer}/ imports ${other}/ (${spec})`);
      } else if (layer === 'driver') {
        if (target === 'cli' || target === 'lsp') out.push(`${where}: the driver imports ${spec} (a layer above it)`);
      }
    }
  }
  return out;
}

test('the core does no I/O, only the driver touches files and processes, cli/ and lsp/ stay apart', () => {
  assert.deepEqual(violations(), []);
});

test('the check sees imports in every form it looks for', () => {
  assert.deepEqual(importsOf(`import { a } from 'node:fs';\nexport * from './x';\nimport 'y';\nconst z = await import('z');\nrequire('child_process');`),
    ['node:fs', './x', 'y', 'z', 'child_process']);
});
