/**
 * Checks that look at the whole resolved policy rather than one name:
 * unreachable and duplicate rules, redundant rules, and the security and
 * portability hints of §8. They read the model; they never re-resolve.
 */
import { getSyscall } from '../../kernel/syscalls';
import { constantValue, errnoName } from '../../kernel/constants';
import { ENOSYS_FALLBACKS } from '../../kernel/seccomp';
import { SEMANTIC_CODES, type SemanticCode } from '../codes';
import type { PolicyDiagnostic, RelatedLocation } from '../diagnostics';
import type { TextRange } from '../syntax/ast';
import { DiagnosticSink, type AbiRule, type ConcreteAction, type PolicyModel, type PolicyRule } from '../semantics/model';

const PERMITTING = new Set(['allow', 'log']);

/** Syscalls whose allowance weakens a sandbox (hint `dangerous-syscall`). */
const DANGEROUS: Readonly<Record<string, string>> = {
  ptrace: 'lets the program inspect and control other processes (and escape seccomp on kernels before 4.8)',
  bpf: 'loads eBPF programs into the kernel: a large attack surface',
  mount: 'changes the filesystem tree', umount2: 'changes the filesystem tree', pivot_root: 'changes the root filesystem',
  kexec_load: 'replaces the running kernel', kexec_file_load: 'replaces the running kernel',
  init_module: 'loads kernel code', finit_module: 'loads kernel code', delete_module: 'unloads kernel code',
  userfaultfd: 'is a common exploitation aid (it can stall the kernel mid-copy)',
  perf_event_open: 'exposes kernel performance data and has a history of exploits',
  process_vm_writev: 'writes into other processes\' memory',
  open_by_handle_at: 'opens files by handle, bypassing path checks (a known container escape)',
  keyctl: 'reaches the kernel keyring, which is not namespaced', add_key: 'reaches the kernel keyring, which is not namespaced',
  request_key: 'reaches the kernel keyring, which is not namespaced',
};


function same(a: ConcreteAction, b: ConcreteAction): boolean {
  return a.kind === b.kind && a.data === b.data;
}

export function lintPolicy(model: PolicyModel): PolicyDiagnostic[] {
  const sink = new DiagnosticSink();
  const report = (code: SemanticCode, file: string, range: TextRange, message: string,
    extra?: { related?: RelatedLocation[]; tags?: ('unnecessary' | 'deprecated')[] }) =>
    sink.report(code, SEMANTIC_CODES[code].severity, file, range, message, extra);
  const where = (r: PolicyRule) => {
    const lines = model.files.get(r.file)?.lines;
    const line = lines ? lines.positionAt(r.statement.start).line + 1 : 0;
    return r.file === model.root ? `line ${line}` : `${r.file}:${line}`;
  };

  // Per rule: how many (abi, nr) targets it has, and which are shadowed or duplicated.
  interface Fate { targets: number; shadowed: number; duplicate: number; redundant: number; by?: PolicyRule; dupOf?: PolicyRule }
  const fates = new Map<PolicyRule, Fate>();
  const fate = (r: PolicyRule) => {
    let f = fates.get(r);
    if (!f) fates.set(r, (f = { targets: 0, shadowed: 0, duplicate: 0, redundant: 0 }));
    return f;
  };
  // Two entries of one syscall on one ABI with the same action and the same
  // condition text (spacing aside) resolve to the same thing: a duplicate.
  const keys = new Map<PolicyRule, string>();
  const keyOf = (e: AbiRule) => {
    let k = keys.get(e.rule);
    if (k === undefined) {
      const c = e.rule.statement.condition;
      const text = c ? model.files.get(e.rule.file)!.text.slice(c.start, c.end).replace(/\s+/g, '') : '';
      keys.set(e.rule, (k = text));
    }
    return `${e.action.kind}(${e.action.data})${k}`;
  };
  for (const table of model.tables.values()) {
    for (const entries of table.bySyscall.values()) {
      // Linear passes: the first entry per (action, condition), and whether anything later differs from default.
      const firstByKey = new Map<string, AbiRule>();
      const laterDiffers: boolean[] = new Array(entries.length);
      let differs = false;
      for (let i = entries.length - 1; i >= 0; i--) {
        laterDiffers[i] = differs;
        if (!same(entries[i]!.action, table.defaultAction)) differs = true;
      }
      let decider: AbiRule | undefined;
      entries.forEach((entry, i) => {
        const f = fate(entry.rule);
        f.targets++;
        const key = keyOf(entry);
        const dup = firstByKey.get(key);
        if (dup && dup.rule !== entry.rule) { f.duplicate++; f.dupOf ??= dup.rule; }
        if (!dup) firstByKey.set(key, entry);
        if (decider && decider.rule !== entry.rule) { f.shadowed++; f.by ??= decider.rule; }
        // Redundant: same as default and nothing after it could decide otherwise.
        if (same(entry.action, table.defaultAction) && !laterDiffers[i]) f.redundant++;
        if (!decider && entry.condition.kind === 'true') decider = entry;
      });
    }
  }
  for (const [rule, f] of fates) {
    if (f.targets === 0) continue;
    const at = rule.statement;
    if (f.duplicate === f.targets && f.dupOf) {
      report('duplicate-rule', rule.file, at, `this rule repeats the rule at ${where(f.dupOf)}`, {
        related: [{ file: f.dupOf.file, range: f.dupOf.statement, message: 'first written here' }], tags: ['unnecessary'],
      });
    } else if (f.shadowed === f.targets && f.by) {
      report('unreachable-rule', rule.file, at, `this rule never applies: the rule at ${where(f.by)} always decides these syscalls first`, {
        related: [{ file: f.by.file, range: f.by.statement, message: 'decided here' }], tags: ['unnecessary'],
      });
    } else if (f.redundant === f.targets) {
      report('redundant-rule', rule.file, rule.statement.action, 'this rule gives the same action as `default`: it can be removed', { tags: ['unnecessary'] });
    }
  }

  lintHints(model, report);
  return sink.list;
}

type Report = (code: SemanticCode, file: string, range: TextRange, message: string,
  extra?: { related?: RelatedLocation[]; tags?: ('unnecessary' | 'deprecated')[] }) => void;

/** The action a syscall gets on an ABI when no argument condition is involved (first unconditional rule, else default). */
function plainAction(model: PolicyModel, abi: (typeof model.abis)[number], name: string): { action: ConcreteAction; rule?: PolicyRule } | undefined {
  const table = model.tables.get(abi);
  const nr = getSyscall(name)?.numbers[abi];
  if (!table || nr === undefined) return undefined;
  const entries = table.bySyscall.get(nr) ?? [];
  const hit = entries.find((e) => e.condition.kind === 'true');
  return hit ? { action: hit.action, rule: hit.rule } : { action: table.defaultAction };
}

function isPermitted(model: PolicyModel, name: string): boolean {
  return model.abis.some((abi) => {
    const table = model.tables.get(abi);
    const nr = getSyscall(name)?.numbers[abi];
    if (!table || nr === undefined) return false;
    const entries = table.bySyscall.get(nr) ?? [];
    return entries.some((e) => PERMITTING.has(e.action.kind)) || (entries.length === 0 && PERMITTING.has(table.defaultAction.kind));
  });
}

function lintHints(model: PolicyModel, report: Report): void {
  const defaultAt = model.defaultStatement;
  const rootStart = { start: 0, end: 0 };

  // execve must be allowed when the filter is installed before exec.
  const firstAbi = model.abis[0]!;
  const exec = plainAction(model, firstAbi, 'execve');
  if (exec && !PERMITTING.has(exec.action.kind) && !isPermitted(model, 'execve')) {
    const at = exec.rule ? { file: exec.rule.file, range: exec.rule.statement } : defaultAt ? { file: defaultAt.file, range: defaultAt.statement } : { file: model.root, range: rootStart };
    report('execve-denied', at.file, at.range, 'this policy does not allow `execve`: a program cannot be started under it when the filter is installed before exec (as container runtimes do)');
  }

  // ENOSYS lets libc fall back from the newer call to the older one.
  for (const [newer, older] of Object.entries(ENOSYS_FALLBACKS)) {
    if (!isPermitted(model, older)) continue;
    for (const abi of model.abis) {
      const got = plainAction(model, abi, newer);
      const enosys = Number(constantValue('ENOSYS', abi) ?? 38n);
      if (!got || got.action.kind !== 'errno' || got.action.data === enosys) continue;
      const at = got.rule ? { file: got.rule.file, range: got.rule.statement.action } : defaultAt ? { file: defaultAt.file, range: defaultAt.statement } : undefined;
      if (at) report('prefer-enosys', at.file, at.range, `\`${newer}\` gets errno(${errnoName(abi, got.action.data) ?? got.action.data}) while \`${older}\` is allowed: deny it with \`errno(ENOSYS)\` so libc falls back to \`${older}\``);
      break;
    }
  }

  for (const rule of model.rules) {
    const action = rule.statement.action.name;
    if (action !== 'allow' && action !== 'log') continue;
    for (const item of rule.statement.list?.items ?? []) {
      if (item.kind !== 'Identifier') continue;
      const why = DANGEROUS[item.name];
      if (why && !rule.statement.condition) report('dangerous-syscall', rule.file, item, `allowing \`${item.name}\` ${why}`);
      if (item.name === 'ioctl' && !rule.statement.condition) {
        report('dangerous-syscall', rule.file, item, 'allowing `ioctl` with no condition permits every device request, including TIOCSTI terminal injection; filter `request`');
      }
      if (item.name === 'socketcall' && model.abis.includes('i386')) {
        const filtered = model.rules.some((r) => r.statement.condition && r.syscalls.includes('socket'));
        if (filtered) report('dangerous-syscall', rule.file, item, 'on i386, `socketcall` reaches socket() without the conditions written for `socket`');
      }
    }
  }
}
