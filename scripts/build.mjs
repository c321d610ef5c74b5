// Bundles the extension client, the language server, the CLI and the trace
// panel's page (a browser bundle: dist/webview.js and dist/webview.css) into dist/ with esbuild.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
};

// allSettled: every bundle is attempted even when one fails (each error is printed), then exit 1.
const results = await Promise.allSettled([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  // The language server: dist/server.js is a small entry that runs dist/server-main.js through V8's code cache.
  build({ ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server-main.js' }),
  build({ ...common, entryPoints: ['server/src/lsp/start.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js' }),
  build({ ...common, entryPoints: ['server/src/index.ts'], outfile: 'dist/core.js' }),
  build({ ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: { webview: 'client/webview/main.ts' }, outdir: 'dist' }),
]);
if (results.some((r) => r.status === 'rejected')) process.exit(1);
