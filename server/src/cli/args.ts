/** A small, strict argument parser: unknown options are usage errors. */

export class UsageError extends Error {}

export interface OptionSpec {
  /** Takes a value (`-o FILE`, `--format=c`). */
  readonly value?: boolean;
  readonly short?: string;
  /** May be given more than once (`--include-dir A --include-dir B`); every value is kept in `lists`. */
  readonly repeat?: boolean;
}

export interface Parsed {
  readonly options: Map<string, string | true>;
  /** Every value of each `repeat` option, in order (`options` keeps the last). */
  readonly lists: Map<string, string[]>;
  readonly positional: string[];
  /** Everything after `--`. */
  readonly rest: string[] | undefined;
}

export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, OptionSpec>>): Parsed {
  const options = new Map<string, string | true>();
  const lists = new Map<string, string[]>();
  const positional: string[] = [];
  const shorts = new Map(Object.entries(spec).filter(([, s]) => s.short).map(([name, s]) => [s.short!, name]));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return { options, lists, positional, rest: argv.slice(i + 1) };
    let name: string | undefined;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      inline = eq < 0 ? undefined : a.slice(eq + 1);
      if (!spec[name]) throw new UsageError(`unknown option --${name}`);
    } else if (a.startsWith('-') && a.length > 1) {
      name = shorts.get(a.slice(1));
      if (!name) throw new UsageError(`unknown option ${a}`);
    }
    if (name === undefined) { positional.push(a); continue; }
    if (spec[name]!.value) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`option --${name} needs a value`);
      options.set(name, v);
      if (spec[name]!.repeat) lists.set(name, [...(lists.get(name) ?? []), v]);
    } else {
      if (inline !== undefined) throw new UsageError(`option --${name} takes no value`);
      options.set(name, true);
    }
  }
  return { options, lists, positional, rest: undefined };
}

/**
 * For commands that take only files: after `--` every argument is a file
 * (`check -- -odd-name.seccomp`), as in other Unix tools, not dropped.
 */
export function parseFileArgs(argv: readonly string[], spec: Readonly<Record<string, OptionSpec>>): Parsed {
  const parsed = parseArgs(argv, spec);
  return { ...parsed, positional: [...parsed.positional, ...(parsed.rest ?? [])], rest: undefined };
}
