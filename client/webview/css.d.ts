// esbuild bundles the stylesheet the page imports into dist/webview.css.
declare module '*.css';
