// Constant values per ABI, read by compiling a probe against each ABI's UAPI
// headers: `cc -E -dD` lists the macros (and enum members) with the header
// that defines them; `cc -S` of a file of initialisers gives their values
// exactly as that ABI's compiler computes them (sizeof, _IOR(), casts…).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** UAPI headers included in every per-ABI probe. */
const UAPI_HEADERS = [
  'linux/types.h', 'asm/errno.h', 'linux/fcntl.h', 'linux/stat.h', 'linux/mman.h', 'linux/sched.h',
  'linux/prctl.h', 'linux/futex.h', 'linux/signal.h', 'asm/ioctls.h', 'linux/termios.h', 'linux/sockios.h',
  'linux/seccomp.h', 'linux/in.h', 'linux/in6.h', 'linux/tcp.h', 'asm/socket.h', 'linux/net.h',
  'linux/eventfd.h', 'linux/eventpoll.h', 'linux/random.h', 'linux/fs.h', 'linux/wait.h', 'linux/time.h',
  'linux/resource.h', 'linux/mount.h', 'linux/ptrace.h', 'linux/memfd.h', 'linux/reboot.h',
  'linux/personality.h', 'linux/keyctl.h', 'linux/close_range.h', 'linux/openat2.h', 'linux/pidfd.h',
  'linux/signalfd.h', 'linux/timerfd.h', 'linux/inotify.h', 'linux/fanotify.h', 'linux/falloc.h',
  'linux/membarrier.h', 'linux/mempolicy.h', 'linux/landlock.h', 'linux/userfaultfd.h', 'linux/xattr.h',
  'linux/capability.h', 'linux/nsfs.h', 'linux/fiemap.h', 'linux/serial.h', 'linux/fadvise.h', 'linux/kcmp.h',
  'linux/netlink.h', 'linux/bpf.h', 'linux/ipc.h', 'linux/perf_event.h', 'linux/kexec.h', 'linux/module.h',
  'linux/rseq.h',
];
/** x86-only header (ARCH_SET_FS… for arch_prctl). */
const X86_HEADERS = ['asm/prctl.h'];

/** Host glibc headers for families the UAPI lacks (same values on all six ABIs). */
const GLIBC_HEADERS = [
  'sys/socket.h', 'netinet/in.h', 'netinet/tcp.h', 'unistd.h', 'sys/mount.h', 'errno.h',
];

/**
 * Families: `family` is the prefix recorded in ConstantInfo.family; `re`
 * picks names; `file` restricts to the headers (path suffix) that may
 * define them; `src` is where they come from; `only` narrows a prefix that
 * a header also uses for other things to the names of one `enum`, or to
 * the `#define`s written before a marker line.
 */
const IOCTL_RE = /^(?:TC[A-Z0-9_]+|TIOC[A-Z0-9_]+|FIO[A-Z0-9_]+|SIOC[A-Z0-9_]+|FS_IOC_[A-Z0-9_]+|FS_IOC32_[A-Z0-9_]+|BLK[A-Z0-9_]+|FICLONE[A-Z0-9_]*|FIDEDUPERANGE|FITRIM|FIFREEZE|FITHAW|NS_GET_[A-Z0-9_]+|SECCOMP_IOCTL_[A-Z0-9_]+)$/;
export const FAMILIES = [
  { family: 'E', re: /^E[A-Z0-9]+$/, file: /errno(-base)?\.h$/, src: 'uapi' },
  { family: 'E', re: /^ENOTSUP$/, file: /errno\.h$/, src: 'glibc' },
  { family: 'IOCTL', re: IOCTL_RE, file: /(ioctls|sockios|linux\/fs|seccomp|nsfs|termios)\.h$/, src: 'uapi', exclude: /^(TIOCPKT_|TIOCM_|TIOCSER_TEMT$|TIOCSER_|TCSA|TCOO|TCIO|TCIF|TCOF|TCIOF)/ },
  { family: 'O_', re: /^O_[A-Z0-9_]+$/, file: /fcntl\.h$/, src: 'uapi' },
  { family: 'AT_', re: /^AT_[A-Z0-9_]+$/, file: /linux\/fcntl\.h$/, src: 'uapi' },
  { family: 'F_', re: /^F_[A-Z0-9_]+$/, file: /fcntl\.h$/, src: 'uapi' },
  { family: 'FD_', re: /^FD_CLOEXEC$/, file: /fcntl\.h$/, src: 'uapi' },
  { family: 'LOCK_', re: /^LOCK_[A-Z]+$/, file: /fcntl\.h$/, src: 'uapi' },
  { family: 'RENAME_', re: /^RENAME_[A-Z_]+$/, file: /\.h$/, src: 'uapi' },
  { family: 'RESOLVE_', re: /^RESOLVE_[A-Z_]+$/, file: /openat2\.h$/, src: 'uapi' },
  { family: 'S_I', re: /^S_I[A-Z]+$/, file: /linux\/stat\.h$/, src: 'uapi' },
  { family: 'STATX_', re: /^STATX_[A-Z0-9_]+$/, file: /linux\/stat\.h$/, src: 'uapi' },
  { family: 'PROT_', re: /^PROT_[A-Z0-9_]+$/, file: /mman[-\w]*\.h$/, src: 'uapi' },
  { family: 'MAP_', re: /^MAP_[A-Z0-9_]+$/, file: /mman[-\w]*\.h$/, src: 'uapi' },
  { family: 'MADV_', re: /^MADV_[A-Z0-9_]+$/, file: /mman[-\w]*\.h$/, src: 'uapi' },
  { family: 'MREMAP_', re: /^MREMAP_[A-Z0-9_]+$/, file: /mman[-\w]*\.h$/, src: 'uapi' },
  { family: 'MLOCK_', re: /^MLOCK_[A-Z0-9_]+$/, file: /mman[-\w]*\.h$/, src: 'uapi' },
  { family: 'MCL_', re: /^MCL_[A-Z0-9_]+$/, file: /mman[-\w]*\.h$/, src: 'uapi' },
  { family: 'PKEY_', re: /^PKEY_[A-Z0-9_]+$/, file: /mman[-\w]*\.h$/, src: 'uapi' },
  { family: 'MS_', re: /^MS_[A-Z0-9_]+$/, file: /(mman[-\w]*|linux\/mount)\.h$/, src: 'uapi' },
  { family: 'MFD_', re: /^MFD_[A-Z0-9_]+$/, file: /memfd\.h$/, src: 'uapi' },
  { family: 'CLONE_', re: /^CLONE_[A-Z0-9_]+$/, file: /linux\/sched\.h$/, src: 'uapi' },
  { family: 'SCHED_', re: /^SCHED_[A-Z0-9_]+$/, file: /linux\/sched\.h$/, src: 'uapi' },
  { family: 'PR_', re: /^PR_[A-Z0-9_]+$/, file: /linux\/prctl\.h$/, src: 'uapi' },
  { family: 'ARCH_', re: /^ARCH_[A-Z0-9_]+$/, file: /asm\/prctl\.h$/, src: 'uapi' },
  { family: 'FUTEX_', re: /^FUTEX_[A-Z0-9_]+$/, file: /futex\.h$/, src: 'uapi' },
  { family: 'FUTEX2_', re: /^FUTEX2_[A-Z0-9_]+$/, file: /futex\.h$/, src: 'uapi' },
  { family: 'SIG', re: /^SIG[A-Z0-9]+$/, file: /signal\.h$/, src: 'uapi', exclude: /^SIGSTKSZ$/ },
  { family: 'SIG_', re: /^SIG_(BLOCK|UNBLOCK|SETMASK)$/, file: /signal(-defs)?\.h$/, src: 'uapi' },
  { family: 'SA_', re: /^SA_[A-Z0-9_]+$/, file: /signal(-defs)?\.h$/, src: 'uapi' },
  { family: 'SECCOMP_', re: /^SECCOMP_[A-Z0-9_]+$/, file: /seccomp\.h$/, src: 'uapi', exclude: /^SECCOMP_IOCTL_/ },
  { family: 'IPPROTO_', re: /^IPPROTO_[A-Z0-9_]+$/, file: /linux\/in6?\.h$/, src: 'uapi' },
  { family: 'IP_', re: /^IP_[A-Z0-9_]+$/, file: /linux\/in\.h$/, src: 'uapi' },
  { family: 'TCP_', re: /^TCP_[A-Z0-9_]+$/, file: /linux\/tcp\.h$/, src: 'uapi' },
  { family: 'SOL_', re: /^SOL_[A-Z0-9_]+$/, file: /socket\.h$/, src: 'uapi' },
  { family: 'SOL_', re: /^SOL_[A-Z0-9_]+$/, file: /(socket|in|tcp)\.h$/, src: 'glibc' },
  { family: 'SO_', re: /^SO_[A-Z0-9_]+$/, file: /socket\.h$/, src: 'uapi' },
  { family: 'SCM_', re: /^SCM_[A-Z0-9_]+$/, file: /socket\.h$/, src: 'uapi' },
  { family: 'SCM_', re: /^SCM_[A-Z0-9_]+$/, file: /socket\.h$/, src: 'glibc' },
  { family: 'SYS_', re: /^SYS_[A-Z_]+$/, file: /linux\/net\.h$/, src: 'uapi' },
  { family: 'AF_', re: /^AF_[A-Z0-9_]+$/, file: /socket\.h$/, src: 'glibc' },
  { family: 'SOCK_', re: /^SOCK_[A-Z0-9_]+$/, file: /socket(_type)?\.h$/, src: 'glibc' },
  { family: 'MSG_', re: /^MSG_[A-Z0-9_]+$/, file: /socket\.h$/, src: 'glibc' },
  { family: 'SHUT_', re: /^SHUT_[A-Z]+$/, file: /socket\.h$/, src: 'glibc' },
  { family: '_OK', re: /^[RWXF]_OK$/, file: /unistd\.h$/, src: 'glibc' },
  { family: 'MNT_', re: /^(MNT_[A-Z]+|UMOUNT_NOFOLLOW)$/, file: /mount\.h$/, src: 'glibc' },
  { family: 'EFD_', re: /^EFD_[A-Z_]+$/, file: /eventfd\.h$/, src: 'uapi' },
  { family: 'TFD_', re: /^TFD_[A-Z_]+$/, file: /timerfd\.h$/, src: 'uapi', exclude: /^TFD_IOC_/ },
  { family: 'SFD_', re: /^SFD_[A-Z_]+$/, file: /signalfd\.h$/, src: 'uapi' },
  { family: 'EPOLL', re: /^EPOLL[A-Z0-9_]*$/, file: /eventpoll\.h$/, src: 'uapi', exclude: /^EPOLL_IOC_/ },
  { family: 'GRND_', re: /^GRND_[A-Z_]+$/, file: /random\.h$/, src: 'uapi' },
  { family: 'P_', re: /^P_[A-Z]+$/, file: /linux\/wait\.h$/, src: 'uapi' },
  { family: 'W', re: /^(W[A-Z]+|__W[A-Z]+)$/, file: /linux\/wait\.h$/, src: 'uapi' },
  { family: 'CLOCK_', re: /^CLOCK_[A-Z0-9_]+$/, file: /linux\/time\.h$/, src: 'uapi' },
  { family: 'TIMER_', re: /^TIMER_ABSTIME$/, file: /linux\/time\.h$/, src: 'uapi' },
  { family: 'RLIMIT_', re: /^RLIMIT_[A-Z_]+$/, file: /resource\.h$/, src: 'uapi' },
  { family: 'RLIM_', re: /^RLIM_INFINITY$/, file: /resource\.h$/, src: 'uapi' },
  { family: 'PRIO_', re: /^PRIO_[A-Z]+$/, file: /resource\.h$/, src: 'uapi' },
  { family: 'RUSAGE_', re: /^RUSAGE_[A-Z]+$/, file: /resource\.h$/, src: 'uapi' },
  { family: 'MOUNT_ATTR_', re: /^MOUNT_ATTR_[A-Z0-9_]+$/, file: /linux\/mount\.h$/, src: 'uapi' },
  { family: 'MOVE_MOUNT_', re: /^MOVE_MOUNT_[A-Z0-9_]+$/, file: /linux\/mount\.h$/, src: 'uapi' },
  { family: 'OPEN_TREE_', re: /^OPEN_TREE_[A-Z0-9_]+$/, file: /linux\/mount\.h$/, src: 'uapi' },
  { family: 'FSOPEN_', re: /^FSOPEN_[A-Z0-9_]+$/, file: /linux\/mount\.h$/, src: 'uapi' },
  { family: 'FSMOUNT_', re: /^FSMOUNT_[A-Z0-9_]+$/, file: /linux\/mount\.h$/, src: 'uapi' },
  { family: 'FSPICK_', re: /^FSPICK_[A-Z0-9_]+$/, file: /linux\/mount\.h$/, src: 'uapi' },
  { family: 'FSCONFIG_', re: /^FSCONFIG_[A-Z0-9_]+$/, file: /linux\/mount\.h$/, src: 'uapi' },
  { family: 'PTRACE_', re: /^PTRACE_[A-Z0-9_]+$/, file: /ptrace(-abi)?\.h$/, src: 'uapi' },
  { family: 'SEEK_', re: /^SEEK_[A-Z]+$/, file: /linux\/fs\.h$/, src: 'uapi' },
  { family: 'LINUX_REBOOT_', re: /^LINUX_REBOOT_[A-Z0-9_]+$/, file: /reboot\.h$/, src: 'uapi' },
  { family: 'PER_', re: /^PER_[A-Z0-9_]+$/, file: /personality\.h$/, src: 'uapi' },
  // personality(2) takes a PER_* domain or'ed with these flags (an unnamed enum in the same header).
  { family: 'PER_', re: /^(UNAME26|ADDR_NO_RANDOMIZE|FDPIC_FUNCPTRS|MMAP_PAGE_ZERO|ADDR_COMPAT_LAYOUT|READ_IMPLIES_EXEC|ADDR_LIMIT_32BIT|SHORT_INODE|WHOLE_SECONDS|STICKY_TIMEOUTS|ADDR_LIMIT_3GB)$/, file: /personality\.h$/, src: 'uapi' },
  // socket(AF_NETLINK, type, protocol): the protocols, not the SOL_NETLINK options that share the prefix.
  { family: 'NETLINK_', re: /^NETLINK_[A-Z0-9_]+$/, file: /linux\/netlink\.h$/, src: 'uapi', only: { header: 'linux/netlink.h', before: 'MAX_LINKS' } },
  // bpf(2)'s cmd: the members of `enum bpf_cmd` only (bpf.h has hundreds of other BPF_* names).
  { family: 'BPF_', re: /^BPF_[A-Z0-9_]+$/, file: /linux\/bpf\.h$/, src: 'uapi', only: { header: 'linux/bpf.h', enum: 'bpf_cmd' } },
  { family: 'RWF_', re: /^RWF_[A-Z_]+$/, file: /linux\/fs\.h$/, src: 'uapi', exclude: /^RWF_SUPPORTED$/ },
  { family: 'ITIMER_', re: /^ITIMER_[A-Z]+$/, file: /linux\/time\.h$/, src: 'uapi' },
  { family: 'IPC_', re: /^IPC_[A-Z0-9]+$/, file: /linux\/ipc\.h$/, src: 'uapi' },
  { family: 'PERF_FLAG_', re: /^PERF_FLAG_[A-Z_]+$/, file: /perf_event\.h$/, src: 'uapi' },
  { family: 'KEXEC_', re: /^KEXEC_[A-Z0-9_]+$/, file: /kexec\.h$/, src: 'uapi', exclude: /^KEXEC_(SEGMENT_MAX|ARCH_MASK)$/ },
  { family: 'MODULE_INIT_', re: /^MODULE_INIT_[A-Z_]+$/, file: /linux\/module\.h$/, src: 'uapi' },
  { family: 'RSEQ_FLAG_', re: /^RSEQ_FLAG_[A-Z_]+$/, file: /rseq\.h$/, src: 'uapi' },
  { family: 'SYNC_FILE_RANGE_', re: /^SYNC_FILE_RANGE_[A-Z_]+$/, file: /linux\/fs\.h$/, src: 'uapi' },
  { family: 'KEYCTL_', re: /^KEYCTL_[A-Z0-9_]+$/, file: /keyctl\.h$/, src: 'uapi' },
  { family: 'KEY_SPEC_', re: /^KEY_SPEC_[A-Z0-9_]+$/, file: /keyctl\.h$/, src: 'uapi' },
  { family: 'CLOSE_RANGE_', re: /^CLOSE_RANGE_[A-Z_]+$/, file: /close_range\.h$/, src: 'uapi' },
  { family: 'PIDFD_', re: /^PIDFD_[A-Z0-9_]+$/, file: /pidfd\.h$/, src: 'uapi' },
  { family: 'IN_', re: /^IN_[A-Z0-9_]+$/, file: /inotify\.h$/, src: 'uapi' },
  { family: 'FAN_', re: /^FAN_[A-Z0-9_]+$/, file: /fanotify\.h$/, src: 'uapi' },
  { family: 'POSIX_FADV_', re: /^POSIX_FADV_[A-Z]+$/, file: /fadvise\.h$/, src: 'uapi' },
  { family: 'KCMP_', re: /^KCMP_[A-Z]+$/, file: /kcmp\.h$/, src: 'uapi', exclude: /^KCMP_TYPES$/ },
  { family: 'FALLOC_FL_', re: /^FALLOC_FL_[A-Z0-9_]+$/, file: /falloc\.h$/, src: 'uapi' },
  { family: 'MEMBARRIER_CMD_', re: /^MEMBARRIER_CMD_[A-Z0-9_]+$/, file: /membarrier\.h$/, src: 'uapi' },
  { family: 'MPOL_', re: /^MPOL_[A-Z0-9_]+$/, file: /mempolicy\.h$/, src: 'uapi' },
  { family: 'LANDLOCK_', re: /^LANDLOCK_[A-Z0-9_]+$/, file: /landlock\.h$/, src: 'uapi' },
  { family: 'UFFD_', re: /^UFFD_USER_MODE_ONLY$/, file: /userfaultfd\.h$/, src: 'uapi' },
  { family: 'XATTR_', re: /^XATTR_(CREATE|REPLACE)$/, file: /xattr\.h$/, src: 'uapi' },
  { family: 'CAP_', re: /^CAP_[A-Z0-9_]+$/, file: /capability\.h$/, src: 'uapi', exclude: /^CAP_(LAST_CAP|TO_|VALID)/ },
];

function run(cmd, args, input) {
  return execFileSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
}

/**
 * Macro and enum-member names per defining header, from `cc -E -dD`.
 * Returns Map<name, headerPath>.
 */
function definedNames(cc, flags, source) {
  const out = run(cc, [...flags, '-E', '-dD', '-x', 'c', '-'], source);
  const names = new Map();
  let file = '';
  let inEnum = 0;
  for (const line of out.split('\n')) {
    const lm = /^# \d+ "([^"]+)"/.exec(line);
    if (lm) { file = lm[1]; continue; }
    const dm = /^#define ([A-Za-z_]\w*)(\s|$)/.exec(line);
    if (dm) { if (!names.has(dm[1])) names.set(dm[1], file); continue; }
    if (line.startsWith('#')) continue;
    // enum members: track `enum … {` blocks in the preprocessed text
    if (/\benum\b[^;]*\{/.test(line)) inEnum++;
    if (inEnum > 0) {
      for (const m of line.matchAll(/(?:^|[{,\s])([A-Z_][A-Z0-9_]*)\s*(?==|,|$|\})/g)) {
        if (!names.has(m[1])) names.set(m[1], file);
      }
      if (line.includes('}')) inEnum = Math.max(0, inEnum - 1);
    }
  }
  return names;
}

/** The names a family's `only` allows, read from the header's text (arch-independent, under includeRoot). */
function onlyNames(only, includeRoot) {
  const text = readFileSync(join(includeRoot, only.header), 'utf8');
  if (only.enum) {
    const m = new RegExp(`enum\\s+${only.enum}\\s*\\{([^}]*)\\}`).exec(text);
    if (!m) throw new Error(`${only.header}: no enum ${only.enum}`);
    const body = m[1].replace(/\/\*[\s\S]*?\*\//g, '');
    return new Set([...body.matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*(?:=[^,]*)?,?/gm)].map((x) => x[1]));
  }
  const at = text.indexOf(only.before);
  if (at < 0) throw new Error(`${only.header}: no ${only.before}`);
  return new Set([...text.slice(0, at).matchAll(/^#define\s+([A-Za-z_]\w*)/gm)].map((x) => x[1]));
}

function selectNames(defined, src, includeRoot) {
  /** @type {Map<string,string>} name → family */
  const picked = new Map();
  const allowed = new Map();
  for (const [name, file] of defined) {
    for (const fam of FAMILIES) {
      if (fam.src !== src) continue;
      if (!fam.re.test(name) || !fam.file.test(file)) continue;
      if (fam.exclude && fam.exclude.test(name)) continue;
      if (fam.only) {
        if (!allowed.has(fam)) allowed.set(fam, onlyNames(fam.only, includeRoot));
        if (!allowed.get(fam).has(name)) continue;
      }
      if (!picked.has(name)) picked.set(name, fam.family);
    }
  }
  return picked;
}

/** Compiles initialisers for `names` and reads the values back from the assembly. */
function probeValues(cc, flags, includes, names) {
  const dir = mkdtempSync(join(tmpdir(), 'kprobe-'));
  try {
    let live = [...names];
    for (let attempt = 0; attempt < 40; attempt++) {
      const head = includes.map((h) => `#include <${h}>`).join('\n') + '\n' +
        'typedef __kernel_size_t size_t;\nstruct __kv { unsigned int m, n, lo, hi; };\n';
      const headLines = head.split('\n').length - 1;
      const body = live.map((n, i) =>
        `__attribute__((used)) const struct __kv __kv_${i} = { 0x5ecc0c0du, (${n}) < 0, (unsigned int)(unsigned long long)(${n}), (unsigned int)((unsigned long long)(${n}) >> 32) };`,
      ).join('\n') + '\n';
      const file = join(dir, 'probe.c');
      writeFileSync(file, head + body);
      let asm;
      try {
        asm = run(cc, [...flags, '-S', '-O0', '-w', '-fno-zero-initialized-in-bss', '-o', '-', file]);
      } catch (e) {
        const err = String(e.stderr ?? '');
        const bad = new Set();
        for (const m of err.matchAll(/probe\.c:(\d+):/g)) {
          const idx = Number(m[1]) - headLines - 1;
          if (idx >= 0 && idx < live.length) bad.add(idx);
        }
        if (bad.size === 0) throw new Error(`probe failed with ${cc}:\n${err.slice(0, 4000)}`);
        if (process.env.KPROBE_DEBUG) console.error(attempt, [...bad].map((i) => live[i]).join(" "));
        live = live.filter((_, i) => !bad.has(i));
        continue;
      }
      return parseAsm(asm, live);
    }
    throw new Error('probe did not converge');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseAsm(asm, names) {
  const values = new Map();
  const lines = asm.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^__kv_(\d+):/.exec(lines[i].trim());
    if (!m) continue;
    const words = [];
    for (let j = i + 1; j < lines.length && words.length < 4; j++) {
      const t = lines[j].trim();
      const w = /^\.(?:long|word|4byte|int)\s+(-?\w+)/.exec(t);
      if (w) { words.push(BigInt.asUintN(32, BigInt(w[1]))); continue; }
      const z = /^\.(?:zero|space|skip)\s+(\d+)/.exec(t);
      if (z) { for (let k = 0; k < Number(z[1]) / 4; k++) words.push(0n); continue; }
      if (/^\S+:$/.test(t) && !t.startsWith('.')) break;
    }
    if (words.length < 4 || words[0] !== 0x5ecc0c0dn) throw new Error(`cannot read value of ${names[Number(m[1])]}`);
    let v = (words[3] << 32n) | words[2];
    if (words[1] !== 0n) v = BigInt.asIntN(64, v);
    values.set(names[Number(m[1])], v);
  }
  return values;
}

/**
 * Values for every family, per ABI.
 * @param {{abi: string, cc: string, flags: string[], arch: string}[]} abis
 * @param {string} uapiRoot  …/usr/lib/linux/uapi
 * @param {string} includeRoot …/usr/include
 * @returns {Map<string, {family: string, values: Map<string, bigint>}>}
 */
export function collectConstants(abis, uapiRoot, includeRoot) {
  /** @type {Map<string, {family: string, values: Map<string, bigint>}>} */
  const result = new Map();
  for (const a of abis) {
    const includes = [...UAPI_HEADERS, ...(a.arch === 'x86' ? X86_HEADERS : [])];
    const flags = [...a.flags, '-nostdinc', '-I', join(uapiRoot, a.arch), '-I', includeRoot];
    const defined = definedNames(a.cc, flags, includes.map((h) => `#include <${h}>`).join('\n') + '\n');
    const picked = selectNames(defined, 'uapi', includeRoot);
    const values = probeValues(a.cc, flags, includes, [...picked.keys()].sort());
    for (const [name, v] of values) {
      if (!result.has(name)) result.set(name, { family: picked.get(name), values: new Map() });
      result.get(name).values.set(a.abi, v);
    }
  }
  // SIGRTMAX is _NSIG, which some architectures' UAPI headers only define
  // for the kernel: it is 64 on all six ABIs.
  const rtmax = result.get('SIGRTMAX');
  if (rtmax) for (const a of abis) if (!rtmax.values.has(a.abi)) rtmax.values.set(a.abi, 64n);
  // glibc families: host compiler, host headers; arch-independent on the six ABIs.
  const src = GLIBC_HEADERS.map((h) => `#include <${h}>`).join('\n') + '\n';
  const defined = definedNames('gcc', ['-D_GNU_SOURCE'], src);
  const picked = selectNames(defined, 'glibc', includeRoot);
  const gvals = probeValues('gcc', ['-D_GNU_SOURCE'], GLIBC_HEADERS, [...picked.keys()].sort());
  for (const [name, v] of gvals) {
    if (result.has(name)) continue; // the UAPI's per-ABI value wins
    const values = new Map();
    for (const a of abis) values.set(a.abi, v);
    result.set(name, { family: picked.get(name), values, glibc: true });
  }
  return result;
}
