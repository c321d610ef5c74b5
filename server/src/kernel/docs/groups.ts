/**
 * The built-in syscall groups (spec §5). Organised by purpose, in the
 * spirit of systemd's well-known sets, but with member lists chosen for this
 * project. A member is a syscall name (possibly one that exists only on some
 * ABIs, like `open`, `socketcall` or `_llseek`) or another `@group`.
 *
 * `@obsolete` and `@known` are derived from the syscall docs table so they
 * can never drift from it.
 */
import type { GroupInfo } from '../types';
import { SYSCALL_DOCS } from './syscall-docs';

const ALL_NAMES: readonly string[] = Object.keys(SYSCALL_DOCS).sort();
const OBSOLETE_NAMES: readonly string[] = ALL_NAMES.filter((n) => SYSCALL_DOCS[n]?.obsolete === true);

function group(name: string, description: string, members: readonly string[]): GroupInfo {
  return { name, description, members };
}

export const BUILTIN_GROUPS: readonly GroupInfo[] = [
  group('@default', 'Calls nearly every program makes to start, run threads, tell the time and exit', [
    'arch_prctl', 'brk', 'exit', 'exit_group', 'restart_syscall',
    'rt_sigreturn', 'sigreturn',
    'set_tid_address', 'set_robust_list', 'get_robust_list', 'rseq', 'rseq_slice_yield',
    'set_thread_area', 'get_thread_area',
    'futex', 'futex_time64', 'futex_wait', 'futex_wake', 'futex_requeue', 'futex_waitv',
    'mmap', 'mmap2', 'munmap', 'mprotect', 'membarrier',
    'getpid', 'gettid', 'getppid', 'getpgrp', 'getpgid',
    'getrandom', 'getrlimit', 'ugetrlimit', 'prlimit64',
    'sched_yield', 'sched_getaffinity', 'getcpu',
    'time', 'gettimeofday', 'clock_gettime', 'clock_gettime64', 'clock_getres', 'clock_getres_time64',
    'nanosleep', 'clock_nanosleep', 'clock_nanosleep_time64',
    'riscv_hwprobe', 'riscv_flush_icache',
  ]),
  group('@aio', 'Asynchronous I/O: Linux native AIO and io_uring (io_uring work is not seen by seccomp)', [
    'io_setup', 'io_destroy', 'io_submit', 'io_cancel',
    'io_getevents', 'io_pgetevents', 'io_pgetevents_time64',
    'io_uring_setup', 'io_uring_enter', 'io_uring_register',
  ]),
  group('@basic-io', 'Reading, writing, seeking, duplicating and closing already-open descriptors', [
    'read', 'write', 'readv', 'writev',
    'pread64', 'pwrite64', 'preadv', 'pwritev', 'preadv2', 'pwritev2',
    'lseek', '_llseek',
    'close', 'close_range', 'dup', 'dup2', 'dup3',
    'fcntl', 'fcntl64',
    'sendfile', 'sendfile64', 'splice', 'tee', 'vmsplice', 'copy_file_range',
  ]),
  group('@chown', 'Changing the owner or group of files', [
    'chown', 'chown32', 'lchown', 'lchown32', 'fchown', 'fchown32', 'fchownat',
  ]),
  group('@clock', 'Setting or steering the system clocks (needs CAP_SYS_TIME)', [
    'settimeofday', 'stime', 'clock_settime', 'clock_settime64',
    'adjtimex', 'clock_adjtime', 'clock_adjtime64',
  ]),
  group('@cpu-emulation', 'Legacy x86 CPU modes: virtual-8086 mode and custom LDT segments', [
    'modify_ldt', 'vm86', 'vm86old',
  ]),
  group('@credentials', 'Reading user, group and capability ids of the process', [
    'getuid', 'getuid32', 'geteuid', 'geteuid32', 'getgid', 'getgid32', 'getegid', 'getegid32',
    'getresuid', 'getresuid32', 'getresgid', 'getresgid32', 'getgroups', 'getgroups32',
    'capget',
  ]),
  group('@debug', 'Inspecting or controlling other processes: tracing, memory access, profiling', [
    'ptrace', 'process_vm_readv', 'process_vm_writev', 'pidfd_getfd',
    'kcmp', 'perf_event_open',
  ]),
  group('@file-system', 'Opening, creating, inspecting, renaming and removing files and directories', [
    'open', 'openat', 'openat2', 'creat', 'name_to_handle_at',
    'access', 'faccessat', 'faccessat2',
    'stat', 'lstat', 'fstat', 'stat64', 'lstat64', 'fstat64', 'newfstatat', 'fstatat64', 'statx',
    'statfs', 'fstatfs', 'statfs64', 'fstatfs64',
    'truncate', 'ftruncate', 'truncate64', 'ftruncate64', 'fallocate',
    'mkdir', 'mkdirat', 'rmdir', 'mknod', 'mknodat',
    'link', 'linkat', 'symlink', 'symlinkat', 'readlink', 'readlinkat',
    'unlink', 'unlinkat', 'rename', 'renameat', 'renameat2',
    'chdir', 'fchdir', 'getcwd', 'getdents', 'getdents64',
    'chmod', 'fchmod', 'fchmodat', 'fchmodat2', 'umask',
    'utime', 'utimes', 'futimesat', 'utimensat', 'utimensat_time64',
    'flock', 'readahead', 'fadvise64', 'fadvise64_64', 'arm_fadvise64_64', 'cachestat',
    'inotify_init', 'inotify_init1', 'inotify_add_watch', 'inotify_rm_watch',
    'getxattr', 'lgetxattr', 'fgetxattr', 'getxattrat',
    'listxattr', 'llistxattr', 'flistxattr', 'listxattrat',
    'setxattr', 'lsetxattr', 'fsetxattr', 'setxattrat',
    'removexattr', 'lremovexattr', 'fremovexattr', 'removexattrat',
    'file_getattr', 'file_setattr',
    'listmount', 'statmount',
  ]),
  group('@io-event', 'Waiting for descriptors to become ready: epoll, poll, select, eventfd', [
    'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_wait', 'epoll_pwait', 'epoll_pwait2',
    'poll', 'ppoll', 'ppoll_time64',
    'select', '_newselect', 'pselect6', 'pselect6_time64',
    'eventfd', 'eventfd2',
  ]),
  group('@ipc', 'Pipes, System V and POSIX message queues, semaphores and shared memory', [
    'pipe', 'pipe2', 'memfd_create',
    'msgget', 'msgsnd', 'msgrcv', 'msgctl',
    'semget', 'semop', 'semtimedop', 'semtimedop_time64', 'semctl',
    'shmget', 'shmat', 'shmdt', 'shmctl', 'ipc',
    'mq_open', 'mq_unlink', 'mq_timedsend', 'mq_timedsend_time64',
    'mq_timedreceive', 'mq_timedreceive_time64', 'mq_notify', 'mq_getsetattr',
  ]),
  group('@keyring', 'Kernel keyrings (not namespaced: shared with the rest of the system)', [
    'add_key', 'keyctl', 'request_key',
  ]),
  group('@memlock', 'Pinning memory in RAM so it is never swapped', [
    'mlock', 'mlock2', 'munlock', 'mlockall', 'munlockall',
  ]),
  group('@memory', 'Managing the process\'s own memory: mappings, protection, advice, NUMA policy', [
    'brk', 'mmap', 'mmap2', 'munmap', 'mremap', 'mprotect', 'madvise', 'mincore', 'msync',
    'mbind', 'get_mempolicy', 'set_mempolicy', 'set_mempolicy_home_node',
    'membarrier', 'mseal', 'map_shadow_stack', 'memfd_secret',
  ]),
  group('@module', 'Loading and unloading kernel modules', [
    'init_module', 'finit_module', 'delete_module',
  ]),
  group('@mount', 'Mounting, unmounting and rearranging file systems, and changing the root', [
    'mount', 'umount', 'umount2', 'pivot_root', 'chroot',
    'fsopen', 'fsconfig', 'fsmount', 'fspick', 'move_mount',
    'open_tree', 'open_tree_attr', 'mount_setattr',
  ]),
  group('@network-io', 'Creating sockets, connecting, and sending and receiving data over them', [
    'socket', 'socketpair', 'bind', 'listen', 'connect', 'accept', 'accept4',
    'getsockname', 'getpeername', 'getsockopt', 'setsockopt',
    'send', 'recv', 'sendto', 'recvfrom', 'sendmsg', 'recvmsg',
    'sendmmsg', 'recvmmsg', 'recvmmsg_time64', 'shutdown', 'socketcall',
  ]),
  group('@obsolete', 'Calls kept only for old binaries, or reserved and never implemented', OBSOLETE_NAMES),
  group('@pkey', 'Memory protection keys', [
    'pkey_alloc', 'pkey_free', 'pkey_mprotect',
  ]),
  group('@privileged', 'Operations that need a capability or change the process\'s privileges', [
    '@chown', '@clock', '@module', '@mount', '@raw-io', '@reboot', '@setuid', '@swap',
    'acct', 'bpf', 'capset', 'fanotify_init', 'open_by_handle_at',
    'quotactl', 'quotactl_fd', 'sethostname', 'setdomainname', 'syslog', 'vhangup',
  ]),
  group('@process', 'Creating, running, waiting for and configuring processes and namespaces', [
    'clone', 'clone3', 'fork', 'vfork', 'execve', 'execveat',
    'exit', 'exit_group', 'wait4', 'waitid', 'waitpid',
    'getpid', 'getppid', 'gettid', 'getpgid', 'getpgrp', 'getsid', 'setpgid', 'setsid',
    'set_tid_address', 'prctl', 'arch_prctl', 'personality',
    'unshare', 'setns', 'listns',
    'pidfd_open', 'process_madvise', 'process_mrelease',
    'getrusage', 'times',
  ]),
  group('@raw-io', 'Direct access to hardware I/O ports and PCI configuration space', [
    'ioperm', 'iopl', 'pciconfig_iobase', 'pciconfig_read', 'pciconfig_write',
  ]),
  group('@reboot', 'Rebooting the machine or loading a new kernel to boot into', [
    'reboot', 'kexec_load', 'kexec_file_load',
  ]),
  group('@resources', 'Changing resource limits, priorities, CPU affinity and NUMA placement', [
    'setrlimit', 'prlimit64', 'nice', 'setpriority', 'ioprio_set',
    'sched_setaffinity', 'sched_setattr', 'sched_setparam', 'sched_setscheduler',
    'migrate_pages', 'move_pages',
  ]),
  group('@sandbox', 'Self-sandboxing: installing seccomp filters and Landlock rulesets', [
    'seccomp', 'landlock_create_ruleset', 'landlock_add_rule', 'landlock_restrict_self',
  ]),
  group('@setuid', 'Changing user and group ids and the supplementary groups', [
    'setuid', 'setuid32', 'setgid', 'setgid32',
    'setreuid', 'setreuid32', 'setregid', 'setregid32',
    'setresuid', 'setresuid32', 'setresgid', 'setresgid32',
    'setfsuid', 'setfsuid32', 'setfsgid', 'setfsgid32',
    'setgroups', 'setgroups32',
  ]),
  group('@signal', 'Installing handlers, masking, waiting for and sending signals', [
    'rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'rt_sigsuspend', 'rt_sigpending',
    'rt_sigtimedwait', 'rt_sigtimedwait_time64', 'rt_sigqueueinfo', 'rt_tgsigqueueinfo',
    'sigaction', 'sigprocmask', 'sigreturn', 'sigsuspend', 'sigpending', 'signal',
    'sigaltstack', 'signalfd', 'signalfd4', 'pause',
    'kill', 'tkill', 'tgkill', 'pidfd_send_signal',
  ]),
  group('@swap', 'Enabling and disabling swap space', [
    'swapon', 'swapoff',
  ]),
  group('@sync', 'Flushing file data and metadata to storage', [
    'sync', 'syncfs', 'fsync', 'fdatasync', 'sync_file_range', 'arm_sync_file_range', 'msync',
  ]),
  group('@timer', 'Arming timers and alarms that fire later', [
    'alarm', 'getitimer', 'setitimer',
    'timer_create', 'timer_delete', 'timer_settime', 'timer_settime64',
    'timer_gettime', 'timer_gettime64', 'timer_getoverrun',
    'timerfd_create', 'timerfd_settime', 'timerfd_settime64', 'timerfd_gettime', 'timerfd_gettime64',
  ]),
  group('@system-service', 'A broad set for ordinary services and tools; no io_uring, mounts or kernel admin', [
    '@default', '@basic-io', '@credentials', '@file-system', '@io-event', '@ipc',
    '@memlock', '@memory', '@network-io', '@process', '@resources', '@sandbox',
    '@setuid', '@signal', '@sync', '@timer', '@chown',
    'io_setup', 'io_destroy', 'io_submit', 'io_cancel',
    'io_getevents', 'io_pgetevents', 'io_pgetevents_time64',
    'ioctl', 'uname', 'sysinfo', 'capset', 'umask',
    'getpriority', 'ioprio_get', 'sched_getparam', 'sched_getscheduler', 'sched_getattr',
    'sched_get_priority_max', 'sched_get_priority_min',
    'sched_rr_get_interval', 'sched_rr_get_interval_time64',
    'lsm_get_self_attr', 'lsm_list_modules',
  ]),
  group('@known', 'Every syscall name this tool knows, on any supported ABI', ALL_NAMES),
];
