/**
 * POSIX path arithmetic for includes, kept here so the core needs no `path`
 * module (it also runs in a browser-hosted language server).
 */

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return p.slice(0, i);
}

/** Joins and normalises (`a/./b/../c` → `a/c`); absolute `rel` wins. */
export function resolvePath(base: string, rel: string): string {
  const joined = rel.startsWith('/') ? rel : `${base}/${rel}`;
  const absolute = joined.startsWith('/');
  const out: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
    } else out.push(part);
  }
  const body = out.join('/');
  return absolute ? `/${body}` : body || '.';
}
