// Writes a large, realistic policy (default 5,000 lines) to stdout: sections
// with a comment header and long one-syscall-per-line lists (as big real
// policies are laid out), defines, groups, and conditional rules with
// multi-line `in (…)` sets. Every syscall is decided unconditionally once at
// most, so the checker has little to complain about, and the filter fits the
// kernel's 4096 instructions.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function largePolicy(lines = 5000) {
  const core = require(join(root, 'dist', 'core.js'));
  const both = core.allSyscalls().filter((s) => s.numbers.x86_64 !== undefined && s.numbers.aarch64 !== undefined && !s.obsolete);
  const plain = both.filter((s) => s.args.length === 0 || s.args.every((a) => ['path', 'string', 'buffer', 'pointer'].includes(a.kind)));
  const withInt = both.filter((s) => s.args.some((a) => ['fd', 'flags', 'enum', 'int', 'size', 'pid', 'signal', 'mode'].includes(a.kind)));
  const out = [
    '# A large generated policy for the language server benchmark.',
    'arch x86_64, aarch64',
    'default errno(EPERM)',
    'badarch kill_process',
    '',
  ];
  let d = 0;
  let section = 0;
  let plainAt = 0;
  let value = 0;
  while (out.length < lines) {
    section++;
    out.push(`# ---- section ${section} ------------------------------------------------`);
    out.push(`# Rules for part ${section} of the program: generated, as large policies often are.`);
    for (let i = 0; i < 4; i++) out.push(`define LIMIT_${d++} = ${(d * 7919) % 65536}`);
    if (section % 8 === 0) {
      const s = withInt[section % withInt.length];
      const arg = s.args.find((a) => ['fd', 'flags', 'enum', 'int', 'size', 'pid', 'signal', 'mode'].includes(a.kind));
      out.push(`allow ${s.name} if ${arg.name} in (`);
      for (let i = 0; i < 4; i++) out.push(`        ${value++}${i < 3 ? ',' : ''}`);
      out.push('    )');
    } else if (plainAt < plain.length) {
      const chunk = plain.slice(plainAt, plainAt + 6);
      plainAt += chunk.length;
      out.push(`group @part-${section} = ${chunk[0].name},`);
      chunk.slice(1).forEach((s, i) => out.push(`    ${s.name}${i < chunk.length - 2 ? ',' : ''}`));
      out.push(`allow @part-${section}`);
    } else {
      // Every plain syscall is allowed: the rest are named sets for other policies.
      const at = (section * 5) % plain.length;
      const chunk = plain.slice(at, at + 4);
      out.push(`group @spare-${section} = ${chunk.map((x) => x.name).join(', ')}`);
    }
    out.push('');
  }
  out.length = lines;
  return out.join('\n') + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(largePolicy(Number(process.argv[2] ?? 5000)));
