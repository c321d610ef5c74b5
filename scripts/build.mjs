// Bundles the extension client, the language server, the CLI and the trace
// panel's page (a browser bundle: dist/webview.js and dist/webview.css) into dist/ with esbuild.
import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { runInThisContext } from 'node:vm';
import { build, transformSync } from 'esbuild';

/**
 * The kernel's data tables (kernel/generated/*, and the docs that are data
 * only) bundled as `JSON.parse('…')` instead of object literals: V8 parses
 * JSON several times faster than the same literals in code, and the
 * language server's code cache no longer holds every literal's boilerplate
 * (170 KB less to read and deserialise at each start). Each module is run
 * at build time and its exports written as JSON; a module whose exports
 * JSON would not give back exactly (undefined, -0, a frozen object, an
 * import that is not a type) fails the build rather than change a value.
 */
const KERNEL_DATA = /[\\/]kernel[\\/](generated[\\/][\w-]+|docs[\\/](syscall-docs|man2-pages|constant-meanings))\.ts$/;

/** Whether `v` is what JSON.parse(JSON.stringify(v)) gives back: plain, unfrozen arrays and objects of JSON values. */
function survivesJson(v) {
  const plain = (x) => {
    if (x === null || typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x) && !Object.is(x, -0))) return true;
    if (typeof x !== 'object' || Object.isFrozen(x)) return false;
    if (Array.isArray(x)) return Object.keys(x).length === x.length && x.every(plain);
    return Object.getPrototypeOf(x) === Object.prototype && Object.values(x).every(plain);
  };
  return plain(v) && isDeepStrictEqual(JSON.parse(JSON.stringify(v)), v);
}

const kernelDataAsJson = {
  name: 'kernel-data-as-json',
  setup(b) {
    b.onLoad({ filter: KERNEL_DATA }, ({ path }) => {
      const { code } = transformSync(readFileSync(path, 'utf8'), { loader: 'ts', format: 'cjs' });
      const module = { exports: {} };
      const noImports = (name) => {
        throw new Error(`${path} imports ${name}: only data modules are bundled as JSON`);
      };
      runInThisContext(`(function (module, exports, require) {${code}\n})`, { filename: path })(module, module.exports, noImports);
      const lines = Object.entries(module.exports).map(([name, value]) => {
        if (!survivesJson(value)) throw new Error(`${path}: ${name} is not plain JSON data`);
        return `export const ${name} = /* @__PURE__ */ JSON.parse(${JSON.stringify(JSON.stringify(value))});`;
      });
      return { contents: `${lines.join('\n')}\n`, loader: 'js' };
    });
  },
};

/**
 * esbuild escapes non-ASCII characters in code (`charset: 'ascii'`) but
 * keeps some comments as written; one `…` in a comment makes V8 hold the
 * whole bundle as a two-byte string, which costs the language server about
 * 4 ms more at each start (reading, hashing, compiling). Each such character
 * becomes `?`: one UTF-16 unit for one, so the source map's columns hold.
 */
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  if (/^[\x00-\x7f]*$/.test(text)) return;
  writeFileSync(file, text.replace(/[^\x00-\x7f]/g, '?'));
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [kernelDataAsJson],
};

// allSettled: every bundle is attempted even when one fails (each error is printed), then exit 1.
const results = await Promise.allSettled([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  // The language server: dist/server.js is a small entry that runs dist/server-main.js through V8's code cache.
  build({ ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server-main.js' }).then(() => asciiOnly('dist/server-main.js')),
  build({ ...common, entryPoints: ['server/src/lsp/start.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js' }),
  build({ ...common, entryPoints: ['server/src/index.ts'], outfile: 'dist/core.js' }),
  build({ ...common, plugins: [], platform: 'browser', target: 'es2022', format: 'iife', entryPoints: { webview: 'client/webview/main.ts' }, outdir: 'dist' }),
]);
if (results.some((r) => r.status === 'rejected')) process.exit(1);
