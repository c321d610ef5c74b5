// Hand-written, committed: how each argument is classified (ArgKind in
// server/src/kernel/types.ts) and which constant families fit it.
//
// Generic rules go by type and name; ARG_HINTS refines the arguments a
// sandbox author most often writes conditions on. Keys in ARG_HINTS are the
// argument's documented (man page) name or its kernel name.

const FD_NAMES = new Set([
  'fd', 'fildes', 'oldfd', 'newfd', 'ufd', 'epfd', 'fd_in', 'fd_out', 'fdin', 'fdout', 'in_fd', 'out_fd',
  'pidfd', 'fs_fd', 'kernel_fd', 'initrd_fd', 'ruleset_fd', 'fanotify_fd', 'group_fd', 'mountdirfd',
  'mount_fd', 'sockfd', 'mqdes', 'targetfd',
]);
const DIRFD_NAMES = new Set([
  'dfd', 'dirfd', 'olddfd', 'newdfd', 'olddirfd', 'newdirfd', 'from_dfd', 'to_dfd', 'from_dirfd', 'to_dirfd',
]);
const PATH_NAMES = new Set([
  'pathname', 'filename', 'path', 'oldname', 'newname', 'oldpath', 'newpath', 'target', 'linkpath',
  'dev_name', 'dir_name', 'source', 'specialfile', 'special', 'new_root', 'put_old', 'library', 'from_pathname',
  'to_pathname', 'from_path', 'to_path', 'name_user', 'file', 'u_name',
]);
const SIGNAL_NAMES = new Set(['sig', 'signum', 'signo']);

const SIGNALS = ['SIG'];
const AT_FLAGS = ['AT_'];
const DIRFD_CONSTANTS = ['AT_FDCWD'];
const MODE = ['S_I'];
const O_FLAGS = ['O_'];
const MSG = ['MSG_'];

/**
 * Per-syscall refinements: argName → { kind?, constants? }.
 * @type {Record<string, Record<string, {kind?: string, constants?: string[]}>>}
 */
export const ARG_HINTS = {
  open: { flags: { kind: 'flags', constants: O_FLAGS }, mode: { kind: 'mode', constants: MODE } },
  openat: { flags: { kind: 'flags', constants: O_FLAGS }, mode: { kind: 'mode', constants: MODE } },
  creat: { mode: { kind: 'mode', constants: MODE } },
  openat2: { how: { kind: 'pointer' }, size: { kind: 'size' } },
  open_by_handle_at: { flags: { kind: 'flags', constants: O_FLAGS } },
  name_to_handle_at: { flags: { kind: 'flags', constants: AT_FLAGS }, flag: { kind: 'flags', constants: AT_FLAGS } },
  access: { mode: { kind: 'flags', constants: ['F_OK', 'R_OK', 'W_OK', 'X_OK'] } },
  faccessat: { mode: { kind: 'flags', constants: ['F_OK', 'R_OK', 'W_OK', 'X_OK'] } },
  faccessat2: { mode: { kind: 'flags', constants: ['F_OK', 'R_OK', 'W_OK', 'X_OK'] }, flags: { kind: 'flags', constants: AT_FLAGS } },
  newfstatat: { flags: { kind: 'flags', constants: AT_FLAGS } },
  fstatat64: { flags: { kind: 'flags', constants: AT_FLAGS } },
  statx: { flags: { kind: 'flags', constants: AT_FLAGS }, mask: { kind: 'flags', constants: ['STATX_'] } },
  fchownat: { flags: { kind: 'flags', constants: AT_FLAGS } },
  fchmodat2: { flags: { kind: 'flags', constants: AT_FLAGS } },
  linkat: { flags: { kind: 'flags', constants: AT_FLAGS } },
  unlinkat: { flags: { kind: 'flags', constants: ['AT_REMOVEDIR'] } },
  utimensat: { flags: { kind: 'flags', constants: AT_FLAGS } },
  execveat: { flags: { kind: 'flags', constants: AT_FLAGS } },
  renameat2: { flags: { kind: 'flags', constants: ['RENAME_'] } },
  mkdir: { mode: { kind: 'mode', constants: MODE } },
  mkdirat: { mode: { kind: 'mode', constants: MODE } },
  mknod: { mode: { kind: 'mode', constants: MODE }, dev: { kind: 'int' } },
  mknodat: { mode: { kind: 'mode', constants: MODE }, dev: { kind: 'int' } },
  chmod: { mode: { kind: 'mode', constants: MODE } },
  fchmod: { mode: { kind: 'mode', constants: MODE } },
  fchmodat: { mode: { kind: 'mode', constants: MODE } },
  umask: { mask: { kind: 'mode', constants: MODE } },
  mq_open: { oflag: { kind: 'flags', constants: O_FLAGS }, mode: { kind: 'mode', constants: MODE } },
  lseek: { whence: { kind: 'enum', constants: ['SEEK_'] }, offset: { kind: 'offset' } },
  _llseek: { whence: { kind: 'enum', constants: ['SEEK_'] } },
  fcntl: { cmd: { kind: 'enum', constants: ['F_'] }, arg: { kind: 'int', constants: ['O_', 'FD_CLOEXEC'] } },
  fcntl64: { cmd: { kind: 'enum', constants: ['F_'] }, arg: { kind: 'int', constants: ['O_', 'FD_CLOEXEC'] } },
  flock: { operation: { kind: 'flags', constants: ['LOCK_'] } },
  ioctl: { request: { kind: 'enum', constants: ['IOCTL'] }, arg: { kind: 'int' } },
  dup3: { flags: { kind: 'flags', constants: ['O_CLOEXEC'] } },
  pipe2: { flags: { kind: 'flags', constants: ['O_CLOEXEC', 'O_NONBLOCK', 'O_DIRECT', 'O_NOTIFICATION_PIPE'] } },
  close_range: { flags: { kind: 'flags', constants: ['CLOSE_RANGE_'] }, first: { kind: 'fd' }, last: { kind: 'fd' } },
  // memory
  mmap: { prot: { kind: 'flags', constants: ['PROT_'] }, flags: { kind: 'flags', constants: ['MAP_'] }, length: { kind: 'size' }, offset: { kind: 'offset' } },
  mmap2: { prot: { kind: 'flags', constants: ['PROT_'] }, flags: { kind: 'flags', constants: ['MAP_'] }, length: { kind: 'size' }, fd: { kind: 'fd' } },
  mprotect: { prot: { kind: 'flags', constants: ['PROT_'] } },
  pkey_mprotect: { prot: { kind: 'flags', constants: ['PROT_'] } },
  pkey_alloc: { access_rights: { kind: 'flags', constants: ['PKEY_'] } },
  madvise: { advice: { kind: 'enum', constants: ['MADV_'] } },
  process_madvise: { advice: { kind: 'enum', constants: ['MADV_'] } },
  mremap: { flags: { kind: 'flags', constants: ['MREMAP_'] } },
  msync: { flags: { kind: 'flags', constants: ['MS_ASYNC', 'MS_INVALIDATE', 'MS_SYNC'] } },
  mlock2: { flags: { kind: 'flags', constants: ['MLOCK_'] } },
  mlockall: { flags: { kind: 'flags', constants: ['MCL_'] } },
  memfd_create: { flags: { kind: 'flags', constants: ['MFD_'] }, name: { kind: 'string' } },
  mbind: { mode: { kind: 'enum', constants: ['MPOL_'] } },
  set_mempolicy: { mode: { kind: 'enum', constants: ['MPOL_'] } },
  remap_file_pages: { prot: { kind: 'flags', constants: ['PROT_'] }, flags: { kind: 'flags', constants: ['MAP_'] } },
  // processes
  clone: { flags: { kind: 'flags', constants: ['CLONE_', 'SIG'] } },
  clone3: { cl_args: { kind: 'pointer' }, size: { kind: 'size' } },
  unshare: { flags: { kind: 'flags', constants: ['CLONE_'] } },
  setns: { nstype: { kind: 'flags', constants: ['CLONE_NEW'] } },
  prctl: { option: { kind: 'enum', constants: ['PR_'] } },
  arch_prctl: { code: { kind: 'enum', constants: ['ARCH_'] }, option: { kind: 'enum', constants: ['ARCH_'] } },
  ptrace: { request: { kind: 'enum', constants: ['PTRACE_'] }, pid: { kind: 'pid' } },
  wait4: { options: { kind: 'flags', constants: ['W'] } },
  waitpid: { options: { kind: 'flags', constants: ['W'] } },
  waitid: { idtype: { kind: 'enum', constants: ['P_'] }, id: { kind: 'int' }, options: { kind: 'flags', constants: ['W'] } },
  personality: { persona: { kind: 'flags', constants: ['PER_'] } },
  getpriority: { which: { kind: 'enum', constants: ['PRIO_'] } },
  setpriority: { which: { kind: 'enum', constants: ['PRIO_'] } },
  getrusage: { who: { kind: 'enum', constants: ['RUSAGE_'] } },
  sched_setscheduler: { policy: { kind: 'enum', constants: ['SCHED_'] } },
  sched_get_priority_max: { policy: { kind: 'enum', constants: ['SCHED_'] } },
  sched_get_priority_min: { policy: { kind: 'enum', constants: ['SCHED_'] } },
  getrlimit: { resource: { kind: 'enum', constants: ['RLIMIT_'] } },
  ugetrlimit: { resource: { kind: 'enum', constants: ['RLIMIT_'] } },
  setrlimit: { resource: { kind: 'enum', constants: ['RLIMIT_'] } },
  prlimit64: { resource: { kind: 'enum', constants: ['RLIMIT_'] } },
  pidfd_open: { flags: { kind: 'flags', constants: ['PIDFD_NONBLOCK', 'PIDFD_THREAD'] } },
  pidfd_send_signal: { sig: { kind: 'signal', constants: SIGNALS }, flags: { kind: 'flags', constants: ['PIDFD_SIGNAL_'] } },
  pidfd_getfd: { targetfd: { kind: 'fd' } },
  kcmp: { type: { kind: 'enum', constants: ['KCMP_'] } },
  seccomp: { operation: { kind: 'enum', constants: ['SECCOMP_SET_MODE_', 'SECCOMP_GET_'] }, flags: { kind: 'flags', constants: ['SECCOMP_FILTER_FLAG_'] }, args: { kind: 'pointer' } },
  membarrier: { cmd: { kind: 'enum', constants: ['MEMBARRIER_CMD_'] }, flags: { kind: 'flags', constants: ['MEMBARRIER_CMD_FLAG_'] } },
  bpf: { cmd: { kind: 'enum', constants: ['BPF_'] } },
  sync_file_range: { flags: { kind: 'flags', constants: ['SYNC_FILE_RANGE_'] } },
  arm_sync_file_range: { flags: { kind: 'flags', constants: ['SYNC_FILE_RANGE_'] } },
  preadv2: { flags: { kind: 'flags', constants: ['RWF_'] } },
  pwritev2: { flags: { kind: 'flags', constants: ['RWF_'] } },
  getitimer: { which: { kind: 'enum', constants: ['ITIMER_'] } },
  setitimer: { which: { kind: 'enum', constants: ['ITIMER_'] } },
  msgctl: { cmd: { kind: 'enum', constants: ['IPC_RMID', 'IPC_SET', 'IPC_STAT', 'IPC_INFO'] } },
  semctl: { cmd: { kind: 'enum', constants: ['IPC_RMID', 'IPC_SET', 'IPC_STAT', 'IPC_INFO'] } },
  shmctl: { cmd: { kind: 'enum', constants: ['IPC_RMID', 'IPC_SET', 'IPC_STAT', 'IPC_INFO'] } },
  perf_event_open: { flags: { kind: 'flags', constants: ['PERF_FLAG_'] } },
  kexec_load: { flags: { kind: 'flags', constants: ['KEXEC_ON_CRASH', 'KEXEC_PRESERVE_CONTEXT', 'KEXEC_ARCH_'] } },
  kexec_file_load: { flags: { kind: 'flags', constants: ['KEXEC_FILE_'] } },
  finit_module: { flags: { kind: 'flags', constants: ['MODULE_INIT_'] } },
  delete_module: { flags: { kind: 'flags', constants: ['O_NONBLOCK', 'O_TRUNC'] } },
  // sig is the signature word that must precede each abort handler (0x53053053 in glibc), not a signal.
  rseq: { flags: { kind: 'flags', constants: ['RSEQ_FLAG_'] }, sig: { kind: 'int', constants: [] } },
  memfd_secret: { flags: { kind: 'flags', constants: ['O_CLOEXEC'] } },
  reboot: { magic: { kind: 'int', constants: ['LINUX_REBOOT_MAGIC'] }, magic2: { kind: 'int', constants: ['LINUX_REBOOT_MAGIC'] }, cmd: { kind: 'enum', constants: ['LINUX_REBOOT_CMD_'] } },
  keyctl: { operation: { kind: 'enum', constants: ['KEYCTL_'] }, option: { kind: 'enum', constants: ['KEYCTL_'] } },
  add_key: { keyring: { kind: 'int', constants: ['KEY_SPEC_'] }, type: { kind: 'string' }, description: { kind: 'string' }, payload: { kind: 'buffer' } },
  request_key: { dest_keyring: { kind: 'int', constants: ['KEY_SPEC_'] }, type: { kind: 'string' }, description: { kind: 'string' }, callout_info: { kind: 'string' } },
  // signals
  kill: { sig: { kind: 'signal', constants: SIGNALS } },
  tkill: { sig: { kind: 'signal', constants: SIGNALS } },
  tgkill: { sig: { kind: 'signal', constants: SIGNALS } },
  rt_sigqueueinfo: { sig: { kind: 'signal', constants: SIGNALS } },
  rt_tgsigqueueinfo: { sig: { kind: 'signal', constants: SIGNALS } },
  rt_sigaction: { signum: { kind: 'signal', constants: SIGNALS } },
  sigaction: { signum: { kind: 'signal', constants: SIGNALS } },
  signal: { signum: { kind: 'signal', constants: SIGNALS } },
  rt_sigprocmask: { how: { kind: 'enum', constants: ['SIG_BLOCK', 'SIG_UNBLOCK', 'SIG_SETMASK'] } },
  sigprocmask: { how: { kind: 'enum', constants: ['SIG_BLOCK', 'SIG_UNBLOCK', 'SIG_SETMASK'] } },
  signalfd4: { flags: { kind: 'flags', constants: ['SFD_'] } },
  // sockets
  // protocol: IPPROTO_* for AF_INET/AF_INET6, NETLINK_* for AF_NETLINK (socket(2), netlink(7)).
  socket: { domain: { kind: 'enum', constants: ['AF_'] }, type: { kind: 'flags', constants: ['SOCK_'] }, protocol: { kind: 'enum', constants: ['IPPROTO_', 'NETLINK_'] } },
  socketpair: { domain: { kind: 'enum', constants: ['AF_'] }, type: { kind: 'flags', constants: ['SOCK_'] }, protocol: { kind: 'enum', constants: ['IPPROTO_'] } },
  accept4: { flags: { kind: 'flags', constants: ['SOCK_CLOEXEC', 'SOCK_NONBLOCK'] } },
  setsockopt: { level: { kind: 'enum', constants: ['SOL_', 'IPPROTO_'] }, optname: { kind: 'enum', constants: ['SO_', 'IP_', 'TCP_'] }, optval: { kind: 'pointer' }, optlen: { kind: 'size' } },
  getsockopt: { level: { kind: 'enum', constants: ['SOL_', 'IPPROTO_'] }, optname: { kind: 'enum', constants: ['SO_', 'IP_', 'TCP_'] }, optval: { kind: 'pointer' } },
  send: { flags: { kind: 'flags', constants: MSG } },
  sendto: { flags: { kind: 'flags', constants: MSG } },
  sendmsg: { flags: { kind: 'flags', constants: MSG } },
  sendmmsg: { flags: { kind: 'flags', constants: MSG } },
  recv: { flags: { kind: 'flags', constants: MSG } },
  recvfrom: { flags: { kind: 'flags', constants: MSG } },
  recvmsg: { flags: { kind: 'flags', constants: MSG } },
  recvmmsg: { flags: { kind: 'flags', constants: MSG } },
  shutdown: { how: { kind: 'enum', constants: ['SHUT_'] } },
  listen: { backlog: { kind: 'int' } },
  connect: { addrlen: { kind: 'size' } },
  bind: { addrlen: { kind: 'size' } },
  socketcall: { call: { kind: 'enum', constants: ['SYS_'] } },
  // events and timers
  eventfd2: { flags: { kind: 'flags', constants: ['EFD_'] } },
  epoll_create1: { flags: { kind: 'flags', constants: ['EPOLL_CLOEXEC'] } },
  epoll_ctl: { op: { kind: 'enum', constants: ['EPOLL_CTL_'] } },
  inotify_init1: { flags: { kind: 'flags', constants: ['IN_CLOEXEC', 'IN_NONBLOCK'] } },
  inotify_add_watch: { mask: { kind: 'flags', constants: ['IN_'] } },
  fanotify_init: { flags: { kind: 'flags', constants: ['FAN_'] }, event_f_flags: { kind: 'flags', constants: O_FLAGS } },
  fanotify_mark: { flags: { kind: 'flags', constants: ['FAN_MARK_'] }, mask: { kind: 'flags', constants: ['FAN_'] } },
  timerfd_create: { clockid: { kind: 'enum', constants: ['CLOCK_'] }, flags: { kind: 'flags', constants: ['TFD_'] } },
  timerfd_settime: { flags: { kind: 'flags', constants: ['TFD_TIMER_'] } },
  timer_create: { clockid: { kind: 'enum', constants: ['CLOCK_'] } },
  timer_settime: { flags: { kind: 'flags', constants: ['TIMER_ABSTIME'] } },
  clock_gettime: { clockid: { kind: 'enum', constants: ['CLOCK_'] } },
  clock_settime: { clockid: { kind: 'enum', constants: ['CLOCK_'] } },
  clock_getres: { clockid: { kind: 'enum', constants: ['CLOCK_'] } },
  clock_adjtime: { clk_id: { kind: 'enum', constants: ['CLOCK_'] } },
  clock_nanosleep: { clockid: { kind: 'enum', constants: ['CLOCK_'] }, flags: { kind: 'flags', constants: ['TIMER_ABSTIME'] } },
  futex: { futex_op: { kind: 'enum', constants: ['FUTEX_'] }, uaddr: { kind: 'pointer' } },
  futex_waitv: { flags: { kind: 'flags', constants: ['FUTEX2_'] } },
  futex_wake: { flags: { kind: 'flags', constants: ['FUTEX2_'] } },
  futex_wait: { flags: { kind: 'flags', constants: ['FUTEX2_'] } },
  futex_requeue: { flags: { kind: 'flags', constants: ['FUTEX2_'] } },
  getrandom: { flags: { kind: 'flags', constants: ['GRND_'] } },
  // files
  fallocate: { mode: { kind: 'flags', constants: ['FALLOC_FL_'] } },
  fadvise64: { advice: { kind: 'enum', constants: ['POSIX_FADV_'] } },
  fadvise64_64: { advice: { kind: 'enum', constants: ['POSIX_FADV_'] } },
  arm_fadvise64_64: { advice: { kind: 'enum', constants: ['POSIX_FADV_'] } },
  setxattr: { flags: { kind: 'flags', constants: ['XATTR_'] } },
  lsetxattr: { flags: { kind: 'flags', constants: ['XATTR_'] } },
  fsetxattr: { flags: { kind: 'flags', constants: ['XATTR_'] } },
  // System V shared memory: the address of a segment, not a string.
  shmat: { shmaddr: { kind: 'pointer' } },
  shmdt: { shmaddr: { kind: 'pointer' } },
  // mounts
  mount: { mountflags: { kind: 'flags', constants: ['MS_'] }, source: { kind: 'path' }, target: { kind: 'path' }, filesystemtype: { kind: 'string' }, data: { kind: 'pointer' } },
  umount2: { flags: { kind: 'flags', constants: ['MNT_'] } },
  open_tree: { flags: { kind: 'flags', constants: ['OPEN_TREE_', 'AT_'] } },
  open_tree_attr: { flags: { kind: 'flags', constants: ['OPEN_TREE_', 'AT_'] } },
  move_mount: { flags: { kind: 'flags', constants: ['MOVE_MOUNT_'] } },
  fsopen: { flags: { kind: 'flags', constants: ['FSOPEN_'] }, fsname: { kind: 'string' } },
  fsmount: { flags: { kind: 'flags', constants: ['FSMOUNT_'] }, attr_flags: { kind: 'flags', constants: ['MOUNT_ATTR_'] } },
  fspick: { flags: { kind: 'flags', constants: ['FSPICK_'] } },
  fsconfig: { cmd: { kind: 'enum', constants: ['FSCONFIG_'] }, key: { kind: 'string' } },
  mount_setattr: { flags: { kind: 'flags', constants: AT_FLAGS } },
  landlock_create_ruleset: { flags: { kind: 'flags', constants: ['LANDLOCK_CREATE_RULESET_'] } },
  landlock_add_rule: { rule_type: { kind: 'enum', constants: ['LANDLOCK_RULE_'] } },
  userfaultfd: { flags: { kind: 'flags', constants: ['O_CLOEXEC', 'O_NONBLOCK', 'UFFD_USER_MODE_ONLY'] } },
  swapon: { swapflags: { kind: 'flags' } },
  quotactl: { cmd: { kind: 'int' } },
  syslog: { type: { kind: 'enum' } },
};

function stripType(type) {
  return type.replace(/\b(const|volatile|__user)\b/g, ' ').replace(/\s+/g, ' ').trim();
}

/** True when the kernel type is a pointer (or function pointer). */
export function isPointer(type) {
  return type.includes('*') || /^(cap_user_\w+|__sighandler_t)$/.test(stripType(type));
}

const WIDE = new Set([
  'long', 'long int', 'unsigned long', 'unsigned long int', 'size_t', 'ssize_t', 'off_t', 'loff_t', 'u64', '__u64',
  'aligned_u64', '__aligned_u64', 's64', '__s64', 'uintptr_t', 'aio_context_t', '__kernel_ulong_t', '__kernel_long_t',
  'old_sigset_t', 'unsigned long long', 'long long',
]);
const SIGNED = new Set([
  'int', 'long', 'long int', 'long long', 'short', 'signed char', 'pid_t', 'off_t', 'loff_t', 'ssize_t', 'key_t',
  'clockid_t', 'timer_t', 'mqd_t', 'key_serial_t', '__s32', 's32', 's64', '__s64', 'rwf_t', '__kernel_long_t',
]);

/** Width on a 64-bit ABI of a kernel parameter type. */
export function width64(type) {
  if (isPointer(type)) return 64;
  return WIDE.has(stripType(type)) ? 64 : 32;
}

export function isSigned(type) {
  if (isPointer(type)) return false;
  const t = stripType(type);
  return SIGNED.has(t) || t.startsWith('enum ');
}

/**
 * Kind and constants for one argument.
 * @param {string} sys syscall name (after SAME_AS resolution, e.g. clock_gettime for clock_gettime64)
 * @param {string} name the documented name
 * @param {string} kname the kernel's name
 * @param {string} ktype the kernel's type
 */
export function classify(sys, name, kname, ktype) {
  const hint = ARG_HINTS[sys]?.[name] ?? ARG_HINTS[sys]?.[kname];
  const base = generic(name, kname, ktype);
  return {
    kind: hint?.kind ?? base.kind,
    constants: hint?.constants ?? base.constants,
  };
}

function generic(name, kname, ktype) {
  const t = stripType(ktype);
  const ptr = isPointer(ktype);
  const is = (set) => set.has(name) || set.has(kname);
  if (ptr) {
    if (/^char \*$/.test(t) && is(PATH_NAMES)) return { kind: 'path', constants: [] };
    if (/^(char|void|unsigned char) \*$/.test(t) && /buf|ubuf|buff|vec|value|list|optval|data|msg/.test(`${name} ${kname}`)) {
      return { kind: 'buffer', constants: [] };
    }
    if (/^char \*$/.test(t)) return { kind: 'string', constants: [] };
    return { kind: 'pointer', constants: [] };
  }
  if (is(DIRFD_NAMES)) return { kind: 'dirfd', constants: DIRFD_CONSTANTS };
  if (is(FD_NAMES)) return { kind: 'fd', constants: [] };
  if (is(SIGNAL_NAMES)) return { kind: 'signal', constants: SIGNALS };
  if (/^(pid_t)$/.test(t) || /^(pid|tgid|tid|upid|pid1|pid2)$/.test(name)) return { kind: 'pid', constants: [] };
  if (/^(uid_t|gid_t)$/.test(t)) return { kind: 'uid', constants: [] };
  if (/^(umode_t|mode_t)$/.test(t)) return { kind: 'mode', constants: MODE };
  if (/^(loff_t|off_t)$/.test(t) || /^(offset|pos|off|pos_l|pos_h|offset_high|offset_low|pgoff|pgoffset)$/.test(name)) return { kind: 'offset', constants: [] };
  if (/^(size_t|ssize_t)$/.test(t) || /^(len|count|size|length|nbytes|bufsiz|bufsize|sigsetsize|usize|argsz|addrlen|vlen|iovcnt|maxevents|nfds|old_size|new_size|old_len|new_len|cpusetsize|buflen|plen|msgsz|msg_len)$/.test(name)) return { kind: 'size', constants: [] };
  if (/^(flags|flag|at_flags)$/.test(name)) return { kind: 'flags', constants: /^at_flags$/.test(name) ? AT_FLAGS : [] };
  if (/^(cmd|op|option|operation|how|which|policy|request|advice|behavior|type|opcode|idtype)$/.test(name)) return { kind: 'enum', constants: [] };
  return { kind: 'int', constants: [] };
}
