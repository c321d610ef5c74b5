/**
 * Our own one-line summaries and seccomp notes for each syscall name that
 * appears in the kernel's UAPI syscall tables for the ABIs we support
 * (x86_64, i386, x32, aarch64, arm EABI, riscv64).
 *
 * Written for this project; not taken from man pages or other tools.
 * `summary` is one plain line; `note` (markdown) is what a sandbox author
 * should know; `obsolete` marks calls kept only for old binaries (or never
 * implemented at all), which form the `@obsolete` group.
 */
export interface SyscallDoc {
  readonly summary: string;
  /** Markdown; what a sandbox author should know. */
  readonly note?: string;
  /** Kept only for old binaries. */
  readonly obsolete?: boolean;
}

// ---------------------------------------------------------------------------
// Notes shared by several entries
// ---------------------------------------------------------------------------

const PATH_NOTE =
  'Seccomp sees only the address of the path, never the string, so a filter cannot allow or ' +
  'deny by file name (and a supervisor that reads the string races with the program: TOCTOU). ' +
  'Confine file access with mount namespaces, Landlock or an LSM, and use seccomp for the flags.';

const TIME64_NOTE =
  'Only on 32-bit ABIs (i386, arm): the variant with a 64-bit `time_t`, added in Linux 5.1. ' +
  'C libraries built for 64-bit time try it first and fall back to the old call only when it ' +
  'fails with ENOSYS, so allow both names, or deny this one with `errno(ENOSYS)`.';

const UID32_NOTE =
  'On i386 and arm the plain name takes 16-bit ids and the `32` variant is the one C libraries use; ' +
  'list both when filtering id changes on those ABIs.';

const NEVER_IMPLEMENTED =
  'A reserved number with no implementation: the kernel answers ENOSYS. Safe to deny.';

const MOUNT_API_NOTE =
  'Part of the file-descriptor based mount API (Linux 5.2 onwards). It needs CAP_SYS_ADMIN in the ' +
  'mount namespace, which an unprivileged process can get by creating a user namespace; deny it ' +
  'together with `mount` unless the program really manages mounts.';

const OPEN_TREE_NOTE =
  'Part of the file-descriptor based mount API (Linux 5.2 onwards). Without OPEN_TREE_CLONE it needs no ' +
  'privilege: it opens a path much as `open` with O_PATH does, and many programs never call it. With ' +
  'OPEN_TREE_CLONE it copies a mount subtree, which needs CAP_SYS_ADMIN in the mount namespace (an ' +
  'unprivileged process can get that in a new user namespace); `allow open_tree if flags & ' +
  'OPEN_TREE_CLONE == 0` keeps the harmless form.';

const FUTEX_NOTE =
  'Needed by every threaded program and by libc locks, condition variables and thread joining. ' +
  'Allow it; the operation (`futex_op`) could be filtered, but libc uses many of them.';

const XATTR_NOTE =
  'Extended attributes also carry security labels (`security.*`) and ACLs (`system.posix_acl_*`); ' +
  'the attribute name is a pointer, so a filter cannot tell which one is touched.';

const SETID_NOTE =
  'Programs that drop privileges must see a real failure here: never answer with `errno(0)`, ' +
  'which reports success without changing anything, so the program would keep running with its ' +
  'old ids. ';

const IPC_DIRECT_NOTE =
  'On i386 these System V calls used to go through the `ipc` multiplexer; direct numbers exist ' +
  'since Linux 5.1, and a filter on this call says nothing about `ipc`.';

const SOCKET_DIRECT_NOTE =
  'On i386, C libraries may reach this operation through `socketcall` instead, where its arguments ' +
  'are in memory and cannot be filtered.';

const KILL_FAMILY_NOTE =
  'Pid and signal are plain integers and can be filtered, for example to let a process signal ' +
  'only itself (but the pid is known only at run time, so a static policy can rarely name it).';

// ---------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------

export const SYSCALL_DOCS: Readonly<Record<string, SyscallDoc>> = {
  // --- basic I/O on descriptors ---------------------------------------------
  read: { summary: 'Read bytes from a file descriptor into a buffer.' },
  write: { summary: 'Write bytes from a buffer to a file descriptor.' },
  readv: { summary: 'Read from a descriptor into several buffers in one call.' },
  writev: { summary: 'Write several buffers to a descriptor in one call.' },
  pread64: { summary: 'Read at a given file offset, leaving the file position alone.' },
  pwrite64: { summary: 'Write at a given file offset, leaving the file position alone.' },
  preadv: { summary: 'Read into several buffers starting at a given file offset.' },
  pwritev: { summary: 'Write several buffers starting at a given file offset.' },
  preadv2: { summary: 'Vectored read at an offset, with per-call flags such as RWF_NOWAIT.' },
  pwritev2: { summary: 'Vectored write at an offset, with per-call flags such as RWF_APPEND.' },
  lseek: { summary: 'Move the read/write position of an open file.' },
  _llseek: { summary: 'Move the file position using a 64-bit offset passed in two halves (32-bit ABIs).' },
  close: { summary: 'Release a file descriptor.' },
  close_range: {
    summary: 'Close, or mark close-on-exec, every descriptor in a numeric range.',
    note:
      'Added in Linux 5.9; used before `execve` to avoid leaking descriptors into a child. ' +
      'Harmless to allow. If you deny it, use `errno(ENOSYS)`, which callers read as an older kernel.',
  },
  dup: { summary: 'Duplicate a descriptor onto the lowest free number.' },
  dup2: { summary: 'Duplicate a descriptor onto a chosen number, closing what was there.' },
  dup3: { summary: 'Like dup2, with a close-on-exec flag; rejects equal old and new numbers.' },
  fcntl: { summary: 'Inspect or change descriptor flags, file status flags, locks and leases.' },
  fcntl64: { summary: 'fcntl for 32-bit ABIs, with 64-bit offsets in record locks.' },
  ioctl: {
    summary: 'Send a device-specific request to an open file, device or socket.',
    note:
      'A huge attack surface: every driver defines its own requests. Filter on `request`, which ' +
      'the kernel reads as a 32-bit `unsigned int` even though libc declares it `unsigned long`. ' +
      'Deny `TIOCSTI` (pushes characters into the terminal input, letting a sandboxed program type ' +
      'commands into the parent shell) and `TIOCLINUX` (console tricks with similar effects). ' +
      'Common harmless requests: `TCGETS` (used by `isatty`), `TIOCGWINSZ`, `FIONREAD`, `FIONBIO`, `FIOCLEX`.',
  },
  sendfile: { summary: 'Copy data from one descriptor to another inside the kernel.' },
  sendfile64: { summary: 'sendfile for 32-bit ABIs, with a 64-bit offset.' },
  splice: { summary: 'Move data between a pipe and another descriptor without a user-space copy.' },
  tee: { summary: 'Copy data from one pipe to another without consuming it.' },
  vmsplice: { summary: 'Feed user memory pages into a pipe, or read a pipe into memory.' },
  copy_file_range: { summary: 'Copy a byte range between two files inside the kernel (may share blocks).' },
  readahead: { summary: 'Start loading part of a file into the page cache ahead of use.' },
  fadvise64: { summary: 'Tell the kernel how a file range will be accessed (posix_fadvise).' },
  fadvise64_64: { summary: 'posix_fadvise for i386, with 64-bit offset and length.' },
  arm_fadvise64_64: { summary: 'posix_fadvise for arm, with arguments reordered to fit register pairs.' },
  cachestat: { summary: 'Report how much of a file range is cached, dirty or under writeback (Linux 6.5).' },

  // --- flushing to storage -----------------------------------------------
  sync: { summary: 'Flush all dirty file data and metadata of every file system.' },
  syncfs: { summary: 'Flush the whole file system that holds a given descriptor.' },
  fsync: { summary: 'Flush one file\'s data and metadata to stable storage.' },
  fdatasync: { summary: 'Flush one file\'s data, plus only the metadata needed to read it back.' },
  sync_file_range: { summary: 'Start or wait for writeback of a byte range of a file.' },
  arm_sync_file_range: { summary: 'sync_file_range for arm, with the flags moved to the second argument.' },
  msync: { summary: 'Write back modified pages of a shared file mapping.' },

  // --- opening and inspecting files -----------------------------------------
  open: {
    summary: 'Open or create a file by path and return a descriptor.',
    note:
      PATH_NOTE +
      ' Not present on aarch64 or riscv64, where libc uses `openat`. The `flags` can be filtered, ' +
      'e.g. `flags & O_ACCMODE == O_RDONLY` for read-only access.',
  },
  openat: {
    summary: 'Open or create a file by path relative to a directory descriptor.',
    note:
      PATH_NOTE +
      ' Modern libcs implement `open()` with this call, so rules about opening files belong here. ' +
      '`O_` constant values differ between ABIs; the compiler resolves them per ABI.',
  },
  openat2: {
    summary: 'openat with an extensible options struct, including limits on path resolution.',
    note:
      'Added in Linux 5.6. Flags, mode and resolve options live in a struct in memory, so none of ' +
      'them can be filtered. Deny it with `errno(ENOSYS)`: callers then fall back to `openat`, ' +
      'whose flags you can check. Denying with EPERM makes callers give up instead.',
  },
  creat: { summary: 'Create a file, or truncate an existing one, and open it for writing.', note: PATH_NOTE },
  open_by_handle_at: {
    summary: 'Open a file from an opaque handle made earlier by name_to_handle_at.',
    note:
      'Needs CAP_DAC_READ_SEARCH and bypasses path-based confinement: a handle can name any file on ' +
      'the file system, including ones outside a chroot or container root. This was the basis of an ' +
      'early, well-known container escape ("shocker"). Deny it.',
  },
  name_to_handle_at: {
    summary: 'Translate a path into a persistent opaque file handle plus a mount id.',
    note:
      'Harmless alone, but it produces the handles that `open_by_handle_at` consumes; container ' +
      'profiles usually deny both.',
  },
  access: { summary: 'Check whether the real user and group may read, write or run a file.' },
  faccessat: { summary: 'access() relative to a directory descriptor.' },
  faccessat2: {
    summary: 'faccessat that honours its flags (effective ids, no symlink follow, empty path).',
    note:
      'Added in Linux 5.8; glibc 2.33 and later call it first. Deny with `errno(ENOSYS)` so libc falls ' +
      'back to `faccessat`; EPERM makes `access()`-style checks fail outright, which broke real ' +
      'programs under older container profiles.',
  },
  stat: { summary: 'Get a file\'s metadata by path, following symbolic links.' },
  lstat: { summary: 'Get metadata for a path without following a final symbolic link.' },
  fstat: { summary: 'Get metadata of an open file.' },
  newfstatat: { summary: 'Get file metadata relative to a directory descriptor (64-bit ABIs).' },
  fstatat64: { summary: 'fstatat for 32-bit ABIs, returning the large-file stat layout.' },
  stat64: { summary: 'stat for 32-bit ABIs, returning the large-file stat layout.' },
  lstat64: { summary: 'lstat for 32-bit ABIs, returning the large-file stat layout.' },
  fstat64: { summary: 'fstat for 32-bit ABIs, returning the large-file stat layout.' },
  oldstat: { summary: 'Pre-1995 stat with narrow fields; replaced long ago.', obsolete: true },
  oldlstat: { summary: 'Pre-1995 lstat with narrow fields; replaced long ago.', obsolete: true },
  oldfstat: { summary: 'Pre-1995 fstat with narrow fields; replaced long ago.', obsolete: true },
  statx: { summary: 'Get extended file metadata, choosing fields (birth time, mount id, ...).' },
  statfs: { summary: 'Get statistics (type, size, free space) of the file system holding a path.' },
  fstatfs: { summary: 'Get statistics of the file system holding an open file.' },
  statfs64: { summary: 'statfs for 32-bit ABIs, with 64-bit block counts.' },
  fstatfs64: { summary: 'fstatfs for 32-bit ABIs, with 64-bit block counts.' },
  ustat: { summary: 'Get free-space figures of a mounted device by device number.', obsolete: true },
  sysfs: { summary: 'Ask the kernel about the file-system types it knows.', obsolete: true },
  truncate: { summary: 'Set the length of a file named by path.' },
  ftruncate: { summary: 'Set the length of an open file.' },
  truncate64: { summary: 'truncate for 32-bit ABIs, with a 64-bit length.' },
  ftruncate64: { summary: 'ftruncate for 32-bit ABIs, with a 64-bit length.' },
  fallocate: { summary: 'Reserve, release, zero or collapse space within an open file.' },
  umask: { summary: 'Set the permission bits withheld from newly created files.' },

  // --- directories and names -------------------------------------------------
  mkdir: { summary: 'Create a directory.' },
  mkdirat: { summary: 'Create a directory relative to a directory descriptor.' },
  rmdir: { summary: 'Remove an empty directory.' },
  mknod: {
    summary: 'Create a file-system node: FIFO, socket, device or regular file.',
    note: 'Creating device nodes needs CAP_MKNOD; FIFOs and regular files do not.',
  },
  mknodat: { summary: 'mknod relative to a directory descriptor.', note: 'Creating device nodes needs CAP_MKNOD.' },
  link: { summary: 'Give an existing file an extra name (a hard link).' },
  linkat: { summary: 'Create a hard link, with directory descriptors and flags.' },
  symlink: { summary: 'Create a symbolic link that holds a target path.' },
  symlinkat: { summary: 'Create a symbolic link relative to a directory descriptor.' },
  readlink: { summary: 'Read the target path stored in a symbolic link.' },
  readlinkat: { summary: 'readlink relative to a directory descriptor.' },
  unlink: { summary: 'Remove a name; the file goes away once nothing uses it.' },
  unlinkat: { summary: 'Remove a file, or a directory with AT_REMOVEDIR, relative to a directory fd.' },
  rename: { summary: 'Move or rename a file, replacing any existing target.' },
  renameat: { summary: 'rename with directory descriptors for both names.' },
  renameat2: { summary: 'renameat with flags: do not replace, swap two names, or leave a whiteout.' },
  chdir: { summary: 'Change the working directory to a path.' },
  fchdir: { summary: 'Change the working directory to an open directory.' },
  getcwd: { summary: 'Get the path of the working directory.' },
  chroot: {
    summary: 'Make a directory the root for path lookups of this process.',
    note:
      'Needs CAP_SYS_CHROOT. A chroot is not a security boundary for a process that keeps that ' +
      'capability (it can chroot again and climb out). Deny it in sandboxes.',
  },
  getdents: { summary: 'Read directory entries (original layout, 32-bit inode numbers on 32-bit).' },
  getdents64: { summary: 'Read directory entries with 64-bit inode numbers and offsets.' },
  readdir: { summary: 'Read a single directory entry; replaced by getdents.', obsolete: true },
  flock: { summary: 'Place or remove an advisory lock on a whole open file.' },

  // --- permissions, owners, timestamps --------------------------------------
  chmod: { summary: 'Change the permission bits of a file by path.' },
  fchmod: { summary: 'Change the permission bits of an open file.' },
  fchmodat: { summary: 'chmod relative to a directory descriptor.' },
  fchmodat2: {
    summary: 'fchmodat with working flags such as AT_SYMLINK_NOFOLLOW.',
    note:
      'Added in Linux 6.6; newer glibc uses it when asked not to follow symbolic links. Deny with ' +
      '`errno(ENOSYS)` so the library falls back to its older method.',
  },
  chown: { summary: 'Change the owner and group of a file by path, following symbolic links.' },
  lchown: { summary: 'Change owner and group of a path without following a final symbolic link.' },
  fchown: { summary: 'Change the owner and group of an open file.' },
  fchownat: { summary: 'chown relative to a directory descriptor, optionally not following links.' },
  chown32: { summary: 'chown with 32-bit user and group ids (i386, arm).' },
  lchown32: { summary: 'lchown with 32-bit user and group ids (i386, arm).' },
  fchown32: { summary: 'fchown with 32-bit user and group ids (i386, arm).' },
  utime: { summary: 'Set a file\'s access and modification times, in whole seconds.' },
  utimes: { summary: 'Set a file\'s access and modification times, in microseconds.' },
  futimesat: { summary: 'utimes relative to a directory descriptor; superseded by utimensat.' },
  utimensat: { summary: 'Set file timestamps in nanoseconds, relative to a directory descriptor.' },
  utimensat_time64: { summary: 'utimensat with 64-bit time values (32-bit ABIs).', note: TIME64_NOTE },

  // --- extended attributes --------------------------------------------------
  setxattr: { summary: 'Set an extended attribute on a path.', note: XATTR_NOTE },
  lsetxattr: { summary: 'Set an extended attribute on a path without following a final link.' },
  fsetxattr: { summary: 'Set an extended attribute on an open file.' },
  getxattr: { summary: 'Read an extended attribute of a path.' },
  lgetxattr: { summary: 'Read an extended attribute of a path without following a final link.' },
  fgetxattr: { summary: 'Read an extended attribute of an open file.' },
  listxattr: { summary: 'List the extended attribute names of a path.' },
  llistxattr: { summary: 'List extended attribute names without following a final link.' },
  flistxattr: { summary: 'List the extended attribute names of an open file.' },
  removexattr: { summary: 'Delete an extended attribute from a path.' },
  lremovexattr: { summary: 'Delete an extended attribute without following a final link.' },
  fremovexattr: { summary: 'Delete an extended attribute from an open file.' },
  setxattrat: { summary: 'Set an extended attribute relative to a directory fd, with lookup flags.' },
  getxattrat: { summary: 'Read an extended attribute relative to a directory fd, with lookup flags.' },
  listxattrat: { summary: 'List extended attribute names relative to a directory fd.' },
  removexattrat: { summary: 'Delete an extended attribute relative to a directory fd.' },
  file_getattr: { summary: 'Read inode attribute flags and project id of a path (fsxattr).' },
  file_setattr: { summary: 'Change inode attribute flags and project id of a path (fsxattr).' },

  // --- file change notification ----------------------------------------------
  inotify_init: { summary: 'Create an inotify instance for watching file changes.' },
  inotify_init1: { summary: 'Create an inotify instance, with non-blocking and close-on-exec flags.' },
  inotify_add_watch: { summary: 'Start watching a path for the chosen kinds of change.' },
  inotify_rm_watch: { summary: 'Stop one inotify watch.' },
  fanotify_init: {
    summary: 'Create a fanotify group for file-access events, optionally able to veto access.',
    note: 'Most modes need CAP_SYS_ADMIN; an unprivileged subset exists since Linux 5.13.',
  },
  fanotify_mark: { summary: 'Add or remove what a fanotify group watches (file, directory, mount, fs).' },

  // --- quotas ------------------------------------------------------------------
  quotactl: {
    summary: 'Query or manage disk quotas of a file system named by block device.',
    note: 'Changing quotas needs CAP_SYS_ADMIN. Rarely needed by applications.',
  },
  quotactl_fd: { summary: 'quotactl for the file system holding an open file (Linux 5.14).' },

  // --- mounts ------------------------------------------------------------------
  mount: {
    summary: 'Attach a file system, or change or move an existing mount.',
    note:
      'Needs CAP_SYS_ADMIN in the mount namespace, which an unprivileged user gains by creating a ' +
      'user namespace; mounting reaches file-system code with a long bug history. Deny it (with ' +
      '`unshare`/`clone` namespace flags) unless the program is a container runtime.',
  },
  umount: { summary: 'Detach a mounted file system (i386 form without flags).' },
  umount2: {
    summary: 'Detach a mounted file system, with flags for lazy or forced detach.',
    note: 'Needs the same privilege as `mount`. Unmounting can reveal what a mount was hiding.',
  },
  pivot_root: {
    summary: 'Swap the root mount of the mount namespace for another one.',
    note: 'Container runtimes use it to enter the container root; sandboxed programs never need it.',
  },
  fsopen: { summary: 'Start building a new file-system instance; returns a configuration fd.', note: MOUNT_API_NOTE },
  fsconfig: {
    summary: 'Set options on a file-system configuration fd, or create the superblock.',
    note:
      'Part of the file-descriptor based mount API (Linux 5.2 onwards). It checks no capability itself: ' +
      'it works on a configuration fd that `fsopen` or `fspick` (which need CAP_SYS_ADMIN in the mount ' +
      'namespace) returned, and reconfiguring an existing superblock needs CAP_SYS_ADMIN over it. Deny it ' +
      'together with `fsopen` unless the program really manages mounts.',
  },
  fsmount: { summary: 'Turn a configured file system into a detached mount object.', note: MOUNT_API_NOTE },
  fspick: { summary: 'Open the configuration of an existing mount so it can be reconfigured.', note: MOUNT_API_NOTE },
  move_mount: { summary: 'Attach a detached mount, or move a mount, to a place in the tree.', note: MOUNT_API_NOTE },
  open_tree: { summary: 'Get an fd for a mount or a detached copy of a mount subtree.', note: OPEN_TREE_NOTE },
  open_tree_attr: { summary: 'open_tree that also applies mount attributes to the copy.', note: OPEN_TREE_NOTE },
  mount_setattr: { summary: 'Change attributes of a mount or a whole subtree (read-only, idmap, ...).', note: MOUNT_API_NOTE },
  listmount: {
    summary: 'List the ids of mounts beneath a given mount.',
    note:
      'Added in Linux 6.8 as a structured alternative to reading `/proc/self/mountinfo`. Read-only; ' +
      'allowing it reveals the mount layout, nothing more.',
  },
  statmount: {
    summary: 'Get details of one mount by id: source, options, mount point, ...',
    note: 'Added in Linux 6.8, alongside `listmount`; read-only.',
  },

  // --- processes ------------------------------------------------------------------
  fork: {
    summary: 'Create a child process as a copy of the caller.',
    note:
      'Absent on aarch64 and riscv64; libc uses `clone` there, and glibc uses `clone` for `fork()` ' +
      'everywhere. Denying `fork` alone therefore does not stop process creation.',
  },
  vfork: {
    summary: 'Create a child that borrows the parent\'s memory until it calls execve or exits.',
    note:
      'Absent on aarch64 and riscv64. glibc\'s `posix_spawn` and `system` use `clone` (or `clone3`) ' +
      'with CLONE_VM|CLONE_VFORK instead, so filter those too.',
  },
  clone: {
    summary: 'Create a process or thread, choosing what it shares with the parent.',
    note:
      'The `flags` argument can be filtered: e.g. `allow clone if flags & CLONE_NEWUSER == 0` to ' +
      'refuse new namespaces (also check CLONE_NEWNS, CLONE_NEWNET, ...). The registers differ by ABI: ' +
      'on x86_64 and x32 they are flags, stack, parent_tid, child_tid, tls; on i386, arm, aarch64 and ' +
      'riscv64 (kernels built with CLONE_BACKWARDS) `tls` comes before `child_tid` (flags, stack, ' +
      'parent_tid, tls, child_tid). Conditions name the arguments, and each name compiles to its ' +
      'register on each ABI; `argN` is always register N. Remember `clone3`, whose flags cannot be filtered.',
  },
  clone3: {
    summary: 'Create a process or thread from a struct of arguments (extensible clone).',
    note:
      'Added in Linux 5.3; glibc 2.34+ tries it first for threads and `posix_spawn`. Its flags are in ' +
      'memory, so a filter cannot see CLONE_NEWUSER and friends. Deny it with `errno(ENOSYS)`: libc ' +
      'then falls back to `clone`, where the flags can be checked. EPERM makes thread creation fail.',
  },
  execve: {
    summary: 'Replace the running program with a new one loaded from a file.',
    note:
      'If the filter is installed before the program is started (as sandboxing launchers do), ' +
      '`execve` must be allowed or the program never starts; the filter stays in force across the ' +
      'exec. ' + PATH_NOTE,
  },
  execveat: {
    summary: 'execve of a file named relative to a directory fd, or of an open fd itself.',
    note:
      'With AT_EMPTY_PATH it runs an open descriptor (`fexecve`), for example an in-memory file from ' +
      '`memfd_create`: code that never touched the disk. glibc\'s and musl\'s `fexecve` try it first and ' +
      'fall back to `execve` of `/proc/self/fd/N` only when it fails with ENOSYS: so `errno(ENOSYS)` here ' +
      'still lets such code run wherever `execve` is allowed and /proc is mounted, while `errno(EPERM)` ' +
      'makes `fexecve` fail. Path-based checks cannot cover either; deny it unless needed, and deny ' +
      '`memfd_create` too to keep memory-only code out.',
  },
  exit: {
    summary: 'End the calling thread only.',
    note:
      'Not the same as `exit_group`: glibc\'s `_exit()` and returning from `main` call `exit_group`. ' +
      'A strict-mode-like policy that allows only `exit` kills the program with SIGSYS at its ' +
      'normal exit. Allow both.',
  },
  exit_group: {
    summary: 'End every thread of the process, with an exit status.',
    note: 'What libc uses to terminate the program. Always allow it.',
  },
  wait4: {
    summary: 'Wait for a child to change state, and collect its resource usage.',
    note: 'glibc implements `wait` and `waitpid` with this call on most ABIs; allow it wherever children are started.',
  },
  waitid: { summary: 'Wait for a child (or pidfd) state change, with precise selection and flags.' },
  waitpid: { summary: 'Wait for a particular child to change state (i386 only).' },
  getpid: { summary: 'Get the caller\'s process id.' },
  getppid: { summary: 'Get the parent\'s process id.' },
  gettid: { summary: 'Get the caller\'s thread id.' },
  getpgid: { summary: 'Get the process group of a process.' },
  setpgid: { summary: 'Move a process into a process group.' },
  getpgrp: { summary: 'Get the caller\'s process group.' },
  getsid: { summary: 'Get the session id of a process.' },
  setsid: { summary: 'Start a new session, detaching from the controlling terminal.' },
  set_tid_address: {
    summary: 'Register where the kernel clears the thread id (and wakes futex) at thread exit.',
    note: 'Called by libc when the process and each thread start. Allow it.',
  },
  prctl: {
    summary: 'Read or change assorted per-process settings selected by an option number.',
    note:
      'Filter on `option`. Sandboxes need PR_SET_NO_NEW_PRIVS and PR_SET_SECCOMP (both only ' +
      'tighten things) and programs commonly use PR_SET_NAME/PR_GET_NAME and PR_SET_PDEATHSIG. ' +
      'Options worth refusing include PR_SET_MM and PR_SET_PTRACER (loosens Yama ptrace limits).',
  },
  arch_prctl: {
    summary: 'Set or get x86-specific thread state: FS/GS base, CPUID faulting, shadow stack.',
    note:
      'On x86_64 libc sets the thread pointer (ARCH_SET_FS) during startup, so deny it only after the ' +
      'program has started, if at all.',
  },
  personality: {
    summary: 'Set the process execution domain and legacy behaviour flags.',
    note:
      'Some flags switch security-relevant behaviour back to old ways: ADDR_NO_RANDOMIZE (no ASLR for ' +
      'programs executed afterwards), READ_IMPLIES_EXEC (readable mappings become executable) and ' +
      'UNAME26 (a fake 2.6 kernel version). The kernel reads `persona` as an `unsigned int` (the low 32 ' +
      'bits; the man page declares `unsigned long`), and 0xffffffff only queries. Filter it: container ' +
      'profiles allow only the query and PER_LINUX, PER_LINUX32 and their `| UNAME26` forms ' +
      '(`allow personality if persona in (0xffffffff, PER_LINUX, PER_LINUX32)`).',
  },
  unshare: {
    summary: 'Move the caller into new namespaces or stop sharing state with other processes.',
    note:
      'Creating a user namespace (CLONE_NEWUSER) needs no privilege and hands the process full ' +
      'capabilities inside it, exposing much more kernel code (mounts, netfilter, ...). Filter ' +
      '`flags` to refuse CLONE_NEWUSER and the other CLONE_NEW* bits.',
  },
  setns: {
    summary: 'Join an existing namespace given an fd for it (or a pidfd).',
    note:
      'Needs CAP_SYS_ADMIN over the target namespace. The `nstype` argument can be filtered; deny ' +
      'the call in sandboxes.',
  },
  listns: { summary: 'List the ids of namespaces visible to the caller, optionally by type and owner.' },
  kcmp: {
    summary: 'Check whether two processes share a kernel object (file, memory, fs info, ...).',
    note: 'Needs ptrace access to both processes; used by checkpoint/restore tools. Rarely needed elsewhere.',
  },
  pidfd_open: {
    summary: 'Get a file descriptor that refers to a process (a pidfd).',
    note: 'Added in Linux 5.3. Harmless by itself: what a pidfd allows is governed by the calls that use it.',
  },
  pidfd_getfd: {
    summary: 'Copy an open file descriptor out of another process, via its pidfd.',
    note:
      'Added in Linux 5.6. Needs ptrace-attach rights over the target, so treat it like `ptrace`: it ' +
      'lets a process take files from its peers.',
  },
  pidfd_send_signal: {
    summary: 'Send a signal to a process named by a pidfd.',
    note: 'Added in Linux 5.1; a race-free `kill`. The signal number can be filtered.',
  },
  capget: { summary: 'Read the capability sets of a thread.' },
  capset: {
    summary: 'Change the capability sets of the calling thread.',
    note: 'Dropping capabilities is always allowed; gaining needs them in the permitted set already.',
  },
  get_robust_list: { summary: 'Get the head of a thread\'s list of robust futexes.' },
  set_robust_list: {
    summary: 'Register the list of robust futexes the kernel releases when the thread dies.',
    note:
      'glibc registers it for every thread at start. If denied with an errno, glibc carries on ' +
      'without robust mutex support; denying with a kill action breaks every program.',
  },
  rseq: {
    summary: 'Register a per-thread area for restartable sequences and fast CPU-id reads.',
    note:
      'glibc 2.35 and later register it for every thread at start. Any errno (ENOSYS is the most ' +
      'natural, EPERM also works) makes glibc continue without it; a kill action would end the ' +
      'program before `main`.',
  },
  rseq_slice_yield: { summary: 'Give the CPU back after a scheduler time-slice extension granted via rseq.' },
  membarrier: { summary: 'Issue memory barriers on other CPUs running the caller\'s threads.' },
  getcpu: {
    summary: 'Find out which CPU and NUMA node the caller runs on.',
    note: 'Usually served from the vDSO on x86_64 without entering the kernel, so seccomp may never see it.',
  },
  restart_syscall: {
    summary: 'Resume an interrupted sleep-style call with its remaining time (kernel-issued).',
    note:
      'Programs never call it directly: the kernel makes the thread issue it after a signal ' +
      'interrupted a call such as `nanosleep` or `poll`. Allow it, or a stopped-and-resumed ' +
      'process may be killed or see a spurious error.',
  },
  process_madvise: { summary: 'Give memory-usage advice about another process\'s memory, via pidfd.' },
  process_mrelease: { summary: 'Reclaim the memory of a process that is being killed, via pidfd.' },
  process_vm_readv: {
    summary: 'Copy memory out of another process directly.',
    note:
      'Needs the same rights as ptrace-attaching to the target, and can read any of its secrets. ' +
      'Keep it in the same category as `ptrace`: deny it in sandboxes.',
  },
  process_vm_writev: {
    summary: 'Copy memory into another process directly.',
    note:
      'Needs ptrace-attach rights over the target and can rewrite its code and data. Deny it ' +
      'in sandboxes, like `ptrace`.',
  },
  ptrace: {
    summary: 'Observe and control another process: registers, memory, syscalls, signals.',
    note:
      'A tracer can change a tracee\'s syscalls after the filter ran. Before Linux 4.8 seccomp did not ' +
      're-check the changed call, so ptrace could be used to escape a filter entirely; on newer ' +
      'kernels it still lets one sandboxed process take full control of another. Deny it unless the ' +
      'program is a debugger.',
  },

  // --- user and group ids -----------------------------------------------------------
  getuid: { summary: 'Get the real user id.' },
  geteuid: { summary: 'Get the effective user id.' },
  getgid: { summary: 'Get the real group id.' },
  getegid: { summary: 'Get the effective group id.' },
  getresuid: { summary: 'Get the real, effective and saved user ids.' },
  getresgid: { summary: 'Get the real, effective and saved group ids.' },
  getgroups: { summary: 'Get the list of supplementary group ids.' },
  getuid32: { summary: 'getuid with 32-bit ids (i386, arm).' },
  geteuid32: { summary: 'geteuid with 32-bit ids (i386, arm).' },
  getgid32: { summary: 'getgid with 32-bit ids (i386, arm).' },
  getegid32: { summary: 'getegid with 32-bit ids (i386, arm).' },
  getresuid32: { summary: 'getresuid with 32-bit ids (i386, arm).' },
  getresgid32: { summary: 'getresgid with 32-bit ids (i386, arm).' },
  getgroups32: { summary: 'getgroups with 32-bit ids (i386, arm).' },
  setuid: { summary: 'Set the user id(s) of the process.', note: SETID_NOTE + UID32_NOTE },
  setgid: { summary: 'Set the group id(s) of the process.', note: SETID_NOTE + UID32_NOTE },
  setreuid: { summary: 'Set the real and effective user ids.', note: SETID_NOTE },
  setregid: { summary: 'Set the real and effective group ids.', note: SETID_NOTE },
  setresuid: { summary: 'Set the real, effective and saved user ids.', note: SETID_NOTE },
  setresgid: { summary: 'Set the real, effective and saved group ids.', note: SETID_NOTE },
  setfsuid: { summary: 'Set the user id used for file-system permission checks.' },
  setfsgid: { summary: 'Set the group id used for file-system permission checks.' },
  setgroups: {
    summary: 'Replace the list of supplementary group ids.',
    note: SETID_NOTE + 'Needs CAP_SETGID.',
  },
  setuid32: { summary: 'setuid with 32-bit ids (i386, arm).' },
  setgid32: { summary: 'setgid with 32-bit ids (i386, arm).' },
  setreuid32: { summary: 'setreuid with 32-bit ids (i386, arm).' },
  setregid32: { summary: 'setregid with 32-bit ids (i386, arm).' },
  setresuid32: { summary: 'setresuid with 32-bit ids (i386, arm).' },
  setresgid32: { summary: 'setresgid with 32-bit ids (i386, arm).' },
  setfsuid32: { summary: 'setfsuid with 32-bit ids (i386, arm).' },
  setfsgid32: { summary: 'setfsgid with 32-bit ids (i386, arm).' },
  setgroups32: { summary: 'setgroups with 32-bit ids (i386, arm).' },

  // --- scheduling, priorities and limits -----------------------------------------
  sched_yield: { summary: 'Let other runnable threads use the CPU first.' },
  sched_getaffinity: { summary: 'Get the set of CPUs a thread may run on.' },
  sched_setaffinity: { summary: 'Restrict which CPUs a thread may run on.' },
  sched_getparam: { summary: 'Get a thread\'s scheduling priority.' },
  sched_setparam: { summary: 'Set a thread\'s scheduling priority within its policy.' },
  sched_getscheduler: { summary: 'Get a thread\'s scheduling policy.' },
  sched_setscheduler: {
    summary: 'Set a thread\'s scheduling policy and priority.',
    note: 'Real-time policies can starve the rest of the system; they are limited by RLIMIT_RTPRIO or CAP_SYS_NICE.',
  },
  sched_getattr: { summary: 'Get a thread\'s full scheduling attributes (including deadline params).' },
  sched_setattr: { summary: 'Set a thread\'s full scheduling attributes (including deadline params).' },
  sched_get_priority_max: { summary: 'Get the highest priority allowed for a scheduling policy.' },
  sched_get_priority_min: { summary: 'Get the lowest priority allowed for a scheduling policy.' },
  sched_rr_get_interval: { summary: 'Get the round-robin time slice of a thread.' },
  sched_rr_get_interval_time64: { summary: 'sched_rr_get_interval with 64-bit time (32-bit ABIs).', note: TIME64_NOTE },
  getpriority: { summary: 'Get the nice value of a process, process group or user.' },
  setpriority: { summary: 'Set the nice value of a process, process group or user.' },
  nice: { summary: 'Add to the caller\'s nice value (i386, arm).' },
  ioprio_get: { summary: 'Get the I/O scheduling class and priority of a process.' },
  ioprio_set: { summary: 'Set the I/O scheduling class and priority of a process.' },
  getrlimit: { summary: 'Read a resource limit of the caller.' },
  ugetrlimit: { summary: 'getrlimit with limits read as unsigned (i386, arm).' },
  setrlimit: { summary: 'Change a resource limit of the caller.' },
  prlimit64: {
    summary: 'Read and/or change a resource limit of any process.',
    note:
      'glibc implements `getrlimit` and `setrlimit` with this call on many ABIs, so it is needed even ' +
      'by programs that only read limits. Filter `pid == 0` to keep it to the caller itself.',
  },
  getrusage: { summary: 'Get resource usage (CPU time, memory peaks, ...) of self, threads or children.' },
  times: { summary: 'Get CPU times of the process and its waited-for children.' },
  ulimit: { summary: 'Ancient resource-limit interface; never implemented by Linux.', obsolete: true, note: NEVER_IMPLEMENTED },

  // --- signals --------------------------------------------------------------------------
  rt_sigaction: { summary: 'Install or inspect the handler for a signal.' },
  rt_sigprocmask: { summary: 'Block or unblock signals for the calling thread.' },
  rt_sigreturn: {
    summary: 'Return from a signal handler, restoring the interrupted context.',
    note:
      'A signal handler never calls it itself: the kernel makes the handler return into a small ' +
      'trampoline (libc\'s restorer, given with SA_RESTORER, or the vDSO\'s on aarch64 and riscv64), ' +
      'and that trampoline calls `rt_sigreturn` to restore the interrupted registers. If it is denied, ' +
      'the program dies when its first signal handler returns (with errno, the trampoline has nowhere ' +
      'to return to). Always allow it in a program that handles signals.',
  },
  rt_sigsuspend: { summary: 'Atomically swap the signal mask and wait for a signal.' },
  rt_sigpending: { summary: 'Get the signals waiting to be delivered while blocked.' },
  rt_sigtimedwait: { summary: 'Wait, with a timeout, for one of a set of blocked signals.' },
  rt_sigtimedwait_time64: { summary: 'rt_sigtimedwait with a 64-bit timeout (32-bit ABIs).', note: TIME64_NOTE },
  rt_sigqueueinfo: { summary: 'Send a signal with attached data to a process.' },
  rt_tgsigqueueinfo: { summary: 'Send a signal with attached data to a specific thread.' },
  sigaction: { summary: 'Old-style signal handler installation (i386, arm).' },
  sigprocmask: { summary: 'Old-style signal mask change for the first 32 signals (i386, arm).' },
  sigreturn: {
    summary: 'Return from an old-style signal handler (32-bit ABIs).',
    note:
      'On i386 and arm, handlers installed without SA_SIGINFO may return through this call rather ' +
      'than `rt_sigreturn`; allow both in policies for those ABIs.',
  },
  sigsuspend: { summary: 'Old-style wait for a signal with a temporary mask (i386, arm).' },
  sigpending: { summary: 'Old-style query of pending signals (i386, arm).' },
  signal: { summary: 'Install a signal handler with historical semantics (i386).' },
  sgetmask: { summary: 'Read the signal mask in its one-word historical form.', obsolete: true },
  ssetmask: { summary: 'Set the signal mask in its one-word historical form.', obsolete: true },
  sigaltstack: { summary: 'Set or query an alternate stack for running signal handlers.' },
  signalfd: { summary: 'Create a descriptor that receives signals as readable records.' },
  signalfd4: { summary: 'signalfd with non-blocking and close-on-exec flags.' },
  pause: { summary: 'Sleep until a signal arrives.' },
  alarm: { summary: 'Have SIGALRM delivered after a number of seconds.' },
  kill: {
    summary: 'Send a signal to a process, a process group, or every process allowed.',
    note: KILL_FAMILY_NOTE + ' `pid == -1` signals everything the user may signal.',
  },
  tkill: { summary: 'Send a signal to a thread by id; superseded by tgkill.' },
  tgkill: {
    summary: 'Send a signal to a specific thread of a specific process.',
    note: KILL_FAMILY_NOTE + ' libc uses it for `raise()` and `abort()`, so allow it where those may run.',
  },

  // --- time and timers -----------------------------------------------------------------------
  time: {
    summary: 'Get the current time in whole seconds.',
    note:
      'On x86_64 this is normally answered by the vDSO in user space and never reaches seccomp; it ' +
      'becomes a real syscall only when the vDSO is unavailable or the clock source cannot be read ' +
      'from user space. Allow it anyway.',
  },
  gettimeofday: {
    summary: 'Get the current wall-clock time in microseconds.',
    note:
      'Usually served by the vDSO without a syscall, but it falls back to the real call in some ' +
      'environments (certain VMs, disabled vDSO). Allow it so programs do not fail only there.',
  },
  settimeofday: {
    summary: 'Set the wall-clock time and (historically) the time zone.',
    note: 'Needs CAP_SYS_TIME. The system clock is global: time namespaces do not cover it. Deny it.',
  },
  stime: { summary: 'Set the system time in whole seconds (i386).', obsolete: true },
  clock_gettime: {
    summary: 'Read a clock (real time, monotonic, CPU time, ...) in nanoseconds.',
    note:
      'Most reads are served by the vDSO without entering the kernel, so seccomp often never sees ' +
      'them; CPU-time clocks and some environments still make the syscall. Allow it.',
  },
  clock_gettime64: { summary: 'clock_gettime with 64-bit time (32-bit ABIs).', note: TIME64_NOTE },
  clock_settime: {
    summary: 'Set a clock, normally the real-time clock.',
    note: 'Needs CAP_SYS_TIME and changes the time for the whole machine. Deny it.',
  },
  clock_settime64: { summary: 'clock_settime with 64-bit time (32-bit ABIs).', note: TIME64_NOTE },
  clock_getres: { summary: 'Get the resolution of a clock.' },
  clock_getres_time64: { summary: 'clock_getres with 64-bit time (32-bit ABIs).', note: TIME64_NOTE },
  clock_nanosleep: { summary: 'Sleep for an interval or until a time, measured on a chosen clock.' },
  clock_nanosleep_time64: { summary: 'clock_nanosleep with 64-bit time (32-bit ABIs).', note: TIME64_NOTE },
  clock_adjtime: {
    summary: 'Read or tune a clock\'s frequency and offset (NTP-style), by clock id.',
    note:
      'Adjusting needs CAP_SYS_TIME. Whether it only reads depends on a field of the struct, which ' +
      'a filter cannot see; see `adjtimex`.',
  },
  clock_adjtime64: { summary: 'clock_adjtime with 64-bit time (32-bit ABIs).', note: TIME64_NOTE },
  adjtimex: {
    summary: 'Read or tune the system clock\'s frequency and offset (NTP discipline).',
    note:
      'With `modes == 0` in the struct it only reads, which some time-sync status tools do; but the ' +
      'struct is in memory, so a filter cannot tell a read from an adjustment. Deny it unless the ' +
      'program is a time daemon.',
  },
  nanosleep: { summary: 'Sleep for a given interval.' },
  getitimer: { summary: 'Read one of the process\'s interval timers.' },
  setitimer: { summary: 'Arm or disarm an interval timer that delivers a signal.' },
  timer_create: { summary: 'Create a POSIX per-process timer on a chosen clock.' },
  timer_delete: { summary: 'Delete a POSIX timer.' },
  timer_settime: { summary: 'Arm or disarm a POSIX timer.' },
  timer_settime64: { summary: 'timer_settime with 64-bit time (32-bit ABIs).', note: TIME64_NOTE },
  timer_gettime: { summary: 'Read the time left on a POSIX timer.' },
  timer_gettime64: { summary: 'timer_gettime with 64-bit time (32-bit ABIs).', note: TIME64_NOTE },
  timer_getoverrun: { summary: 'Count the expirations of a POSIX timer that were missed.' },
  timerfd_create: { summary: 'Create a timer that signals expiry through a readable descriptor.' },
  timerfd_settime: { summary: 'Arm or disarm a timerfd.' },
  timerfd_settime64: { summary: 'timerfd_settime with 64-bit time (32-bit ABIs).', note: TIME64_NOTE },
  timerfd_gettime: { summary: 'Read the time left on a timerfd.' },
  timerfd_gettime64: { summary: 'timerfd_gettime with 64-bit time (32-bit ABIs).', note: TIME64_NOTE },

  // --- memory -------------------------------------------------------------------------------------
  brk: { summary: 'Move the end of the heap (the program break).', note: 'Used by malloc; always allow it.' },
  mmap: {
    summary: 'Map a file or anonymous memory into the address space.',
    note:
      'Filtering `prot & PROT_EXEC` enforces W^X for new mappings, but the dynamic loader maps ' +
      'libraries executable at startup and JIT compilers need it, so apply such a rule only in a ' +
      'filter installed after loading. On i386 `mmap` takes a pointer to its arguments (use rules on ' +
      '`mmap2` there); arm has only `mmap2`.',
  },
  mmap2: {
    summary: 'mmap for 32-bit ABIs, with the file offset counted in 4096-byte pages.',
    note: 'What libc uses for `mmap()` on i386 and arm; put PROT_EXEC rules here for those ABIs.',
  },
  munmap: { summary: 'Remove a range of memory mappings.' },
  mremap: { summary: 'Grow, shrink or move an existing memory mapping.' },
  mprotect: {
    summary: 'Change the access protection (read, write, execute) of a memory range.',
    note:
      'The second half of W^X: a rule like `allow mprotect if !(prot & PROT_EXEC)` stops making ' +
      'writable memory executable. The loader may need PROT_EXEC here at startup (text relocations, ' +
      'executable stacks) and JITs need it, so install such a rule after loading. Also cover ' +
      '`pkey_mprotect`.',
  },
  pkey_mprotect: {
    summary: 'mprotect that also tags the range with a memory protection key.',
    note: 'Takes the same `prot` argument as `mprotect`; a W^X rule must cover both.',
  },
  pkey_alloc: { summary: 'Allocate a memory protection key (x86 PKU, arm64 POE).' },
  pkey_free: { summary: 'Release a memory protection key.' },
  madvise: { summary: 'Advise the kernel on the use of a memory range (free, no huge pages, ...).' },
  mincore: { summary: 'Report which pages of a mapping are resident in memory.' },
  mlock: { summary: 'Keep a memory range resident in RAM (never swapped).' },
  mlock2: { summary: 'mlock with flags, such as locking pages only once they are touched.' },
  munlock: { summary: 'Allow a locked memory range to be swapped again.' },
  mlockall: { summary: 'Lock all current and/or future mappings into RAM.' },
  munlockall: { summary: 'Unlock every mapping of the process.' },
  remap_file_pages: {
    summary: 'Rearrange pages within a shared file mapping (non-linear mapping).',
    obsolete: true,
    note: 'Deprecated; the kernel now emulates it slowly with ordinary mappings.',
  },
  mbind: { summary: 'Set the NUMA memory policy for a range of memory.' },
  get_mempolicy: { summary: 'Get the NUMA memory policy of the thread or of an address.' },
  set_mempolicy: { summary: 'Set the default NUMA memory policy of the thread.' },
  set_mempolicy_home_node: { summary: 'Set the preferred NUMA home node for a memory range.' },
  migrate_pages: { summary: 'Move all pages of a process from some NUMA nodes to others.' },
  move_pages: { summary: 'Move chosen pages of a process to NUMA nodes, or ask where they are.' },
  memfd_create: {
    summary: 'Create an anonymous in-memory file and return a descriptor for it.',
    note:
      'Widely used for shared memory buffers, but also the usual first step of "fileless" ' +
      'execution: write an ELF into the memfd and run it with `execveat`. MFD_NOEXEC_SEAL (Linux ' +
      '6.3) and the `vm.memfd_noexec` sysctl can forbid executing such files.',
  },
  memfd_secret: { summary: 'Create memory that is hidden even from the kernel\'s direct map (Linux 5.14).' },
  userfaultfd: {
    summary: 'Create a descriptor that lets user space handle page faults for chosen ranges.',
    note:
      'Lets a process pause the kernel at a page fault for as long as it likes, which has been used ' +
      'to widen race windows in kernel exploits. Deny it unless needed (live migration, some GCs). ' +
      'The `vm.unprivileged_userfaultfd` sysctl and UFFD_USER_MODE_ONLY limit it too.',
  },
  mseal: {
    summary: 'Seal a memory range so its mapping and protection can no longer change.',
    note:
      'Added in Linux 6.10. It only tightens what the caller can do to its own memory, so it is safe ' +
      'to allow; denying it weakens the program\'s own hardening.',
  },
  map_shadow_stack: { summary: 'Allocate a shadow stack for hardware return-address protection.' },

  // --- inter-process communication ----------------------------------------------------------
  pipe: { summary: 'Create a one-way data channel: a read end and a write end.' },
  pipe2: { summary: 'pipe with close-on-exec, non-blocking or packet-mode flags.' },
  eventfd: { summary: 'Create a descriptor wrapping a counter, for event wake-ups.' },
  eventfd2: { summary: 'eventfd with flags (close-on-exec, non-blocking, semaphore mode).' },
  msgget: { summary: 'Get or create a System V message queue.', note: IPC_DIRECT_NOTE },
  msgsnd: { summary: 'Add a message to a System V message queue.' },
  msgrcv: { summary: 'Take a message from a System V message queue.' },
  msgctl: { summary: 'Query, change or remove a System V message queue.' },
  semget: { summary: 'Get or create a set of System V semaphores.', note: IPC_DIRECT_NOTE },
  semop: { summary: 'Apply operations to System V semaphores atomically.' },
  semtimedop: { summary: 'semop with a timeout.' },
  semtimedop_time64: { summary: 'semtimedop with a 64-bit timeout (32-bit ABIs).', note: TIME64_NOTE },
  semctl: { summary: 'Query, change or remove a System V semaphore set.' },
  shmget: { summary: 'Get or create a System V shared memory segment.', note: IPC_DIRECT_NOTE },
  shmat: { summary: 'Attach a System V shared memory segment to the address space.' },
  shmdt: { summary: 'Detach a System V shared memory segment.' },
  shmctl: { summary: 'Query, change or remove a System V shared memory segment.' },
  ipc: {
    summary: 'One entry point for all System V IPC operations (i386).',
    note:
      'A multiplexer: the first argument picks the operation (semop, msgsnd, shmat, ...). Rules on the ' +
      'individual calls do not apply to it, and the operation\'s arguments are only partly visible. ' +
      'Since Linux 5.1 i386 also has direct numbers, but older C libraries still use `ipc`.',
  },
  mq_open: { summary: 'Open or create a POSIX message queue.' },
  mq_unlink: { summary: 'Remove a POSIX message queue name.' },
  mq_timedsend: { summary: 'Send a message to a POSIX queue, with a timeout.' },
  mq_timedsend_time64: { summary: 'mq_timedsend with a 64-bit timeout (32-bit ABIs).', note: TIME64_NOTE },
  mq_timedreceive: { summary: 'Receive a message from a POSIX queue, with a timeout.' },
  mq_timedreceive_time64: { summary: 'mq_timedreceive with a 64-bit timeout (32-bit ABIs).', note: TIME64_NOTE },
  mq_notify: { summary: 'Ask to be notified when a message arrives on an empty POSIX queue.' },
  mq_getsetattr: { summary: 'Read or change attributes of a POSIX message queue.' },
  futex: { summary: 'Wait on or wake waiters of a user-space memory word (fast user mutex).', note: FUTEX_NOTE },
  futex_time64: { summary: 'futex with a 64-bit timeout (32-bit ABIs).', note: TIME64_NOTE },
  futex_waitv: { summary: 'Wait on several futexes at once (Linux 5.16).' },
  futex_wait: { summary: 'Wait on a futex, with size and NUMA flags (Linux 6.7).' },
  futex_wake: { summary: 'Wake waiters of a futex, with size and NUMA flags (Linux 6.7).' },
  futex_requeue: { summary: 'Wake some waiters of a futex and move the rest to another (Linux 6.7).' },

  // --- waiting for events -----------------------------------------------------------------------
  epoll_create: { summary: 'Create an epoll instance (the size hint is ignored).' },
  epoll_create1: { summary: 'Create an epoll instance, optionally close-on-exec.' },
  epoll_ctl: { summary: 'Add, change or remove a descriptor in an epoll interest list.' },
  epoll_wait: { summary: 'Wait for events on an epoll instance.' },
  epoll_pwait: { summary: 'epoll_wait with a signal mask applied while waiting.' },
  epoll_pwait2: { summary: 'epoll_pwait with a nanosecond timeout (Linux 5.11).' },
  epoll_ctl_old: { summary: 'Early epoll control entry point; never used.', obsolete: true, note: NEVER_IMPLEMENTED },
  epoll_wait_old: { summary: 'Early epoll wait entry point; never used.', obsolete: true, note: NEVER_IMPLEMENTED },
  poll: { summary: 'Wait for readiness on a list of descriptors.' },
  ppoll: { summary: 'poll with a nanosecond timeout and a temporary signal mask.' },
  ppoll_time64: { summary: 'ppoll with a 64-bit timeout (32-bit ABIs).', note: TIME64_NOTE },
  select: {
    summary: 'Wait for readiness on descriptor bit sets.',
    note: 'On i386 this number is the old form taking a pointer to all its arguments; libc uses `_newselect` there.',
  },
  _newselect: { summary: 'select with its arguments in registers (i386, arm).' },
  pselect6: { summary: 'select with a nanosecond timeout and a temporary signal mask.' },
  pselect6_time64: { summary: 'pselect6 with a 64-bit timeout (32-bit ABIs).', note: TIME64_NOTE },

  // --- asynchronous I/O ---------------------------------------------------------------------------
  io_setup: { summary: 'Create a Linux native AIO context.' },
  io_destroy: { summary: 'Tear down a native AIO context, cancelling its requests.' },
  io_submit: { summary: 'Queue native AIO requests.' },
  io_cancel: { summary: 'Try to cancel a queued native AIO request.' },
  io_getevents: { summary: 'Collect completed native AIO requests.' },
  io_pgetevents: { summary: 'io_getevents with a temporary signal mask.' },
  io_pgetevents_time64: { summary: 'io_pgetevents with a 64-bit timeout (32-bit ABIs).', note: TIME64_NOTE },
  io_uring_setup: {
    summary: 'Create an io_uring instance: shared submission and completion rings.',
    note:
      'Operations submitted through the ring (open, read, connect, ...) are carried out by the kernel ' +
      'without passing through syscall entry, so seccomp never sees them: allowing io_uring allows ' +
      'everything it can do. It has also had many kernel bugs. Deny all three `io_uring_*` calls ' +
      'unless the program truly needs them (`kernel.io_uring_disabled` can disable it system-wide).',
  },
  io_uring_enter: {
    summary: 'Submit queued io_uring requests and/or wait for completions.',
    note: 'Work submitted this way bypasses seccomp entirely; see `io_uring_setup`.',
  },
  io_uring_register: {
    summary: 'Register files, buffers or settings with an io_uring instance.',
    note: 'Part of io_uring, which bypasses seccomp for the operations it performs; see `io_uring_setup`.',
  },

  // --- networking ------------------------------------------------------------------------------------
  socket: {
    summary: 'Create a communication endpoint in a given address family.',
    note:
      'Filter on `domain` to allow only what the program uses (AF_UNIX, AF_INET, AF_INET6). ' +
      'AF_NETLINK reaches many kernel subsystems (though glibc uses NETLINK_ROUTE for `getaddrinfo` ' +
      'and `getifaddrs`), and AF_PACKET gives raw link-level access (with CAP_NET_RAW) and has a ' +
      'history of exploitable bugs. `type` also carries SOCK_NONBLOCK/SOCK_CLOEXEC bits, so mask it. ' +
      SOCKET_DIRECT_NOTE,
  },
  socketpair: { summary: 'Create a pair of connected sockets.' },
  bind: { summary: 'Give a socket a local address.' },
  connect: { summary: 'Connect a socket to a remote address.', note: 'The address is a pointer and cannot be filtered.' },
  listen: { summary: 'Mark a socket as accepting incoming connections.' },
  accept: { summary: 'Take the next incoming connection from a listening socket.' },
  accept4: { summary: 'accept with close-on-exec and non-blocking flags for the new socket.' },
  getsockname: { summary: 'Get the local address of a socket.' },
  getpeername: { summary: 'Get the address of a socket\'s peer.' },
  sendto: { summary: 'Send a message on a socket, optionally to a given address.' },
  recvfrom: { summary: 'Receive a message from a socket, with the sender\'s address.' },
  send: { summary: 'Send on a connected socket (arm only; elsewhere via sendto).' },
  recv: { summary: 'Receive on a connected socket (arm only; elsewhere via recvfrom).' },
  sendmsg: { summary: 'Send a message with scattered data and ancillary data (e.g. passed fds).' },
  recvmsg: { summary: 'Receive a message with scattered buffers and ancillary data.' },
  sendmmsg: { summary: 'Send several messages in one call.' },
  recvmmsg: { summary: 'Receive several messages in one call.' },
  recvmmsg_time64: { summary: 'recvmmsg with a 64-bit timeout (32-bit ABIs).', note: TIME64_NOTE },
  shutdown: { summary: 'Shut down sending, receiving or both on a socket.' },
  setsockopt: { summary: 'Set an option on a socket.' },
  getsockopt: { summary: 'Read an option of a socket.' },
  socketcall: {
    summary: 'One entry point for all socket operations (i386).',
    note:
      'A multiplexer: the first argument picks the operation and the real arguments sit in memory, ' +
      'so nothing beyond the operation can be filtered. While `socketcall` is allowed, conditions on ' +
      '`socket` (like a domain check) are bypassed. Since Linux 4.3 i386 has direct socket calls; if ' +
      'the C library uses them, deny `socketcall` (with ENOSYS) to make the conditions hold.',
  },

  // --- system-wide information and administration -----------------------------------------------
  uname: { summary: 'Get the kernel name, release, version, machine and host names.' },
  olduname: { summary: 'Older uname with shorter fields (i386).', obsolete: true },
  oldolduname: { summary: 'Oldest uname with very short fields (i386).', obsolete: true },
  sethostname: { summary: 'Set the host name of the UTS namespace.', note: 'Needs CAP_SYS_ADMIN in the UTS namespace.' },
  setdomainname: { summary: 'Set the NIS domain name of the UTS namespace.', note: 'Needs CAP_SYS_ADMIN in the UTS namespace.' },
  sysinfo: { summary: 'Get system-wide figures: uptime, load, memory and swap, process count.' },
  syslog: {
    summary: 'Read or clear the kernel log buffer, or set console log level.',
    note:
      'The kernel log can leak addresses and other sensitive details; reading it is limited by ' +
      '`kernel.dmesg_restrict` and CAP_SYSLOG. Deny it in sandboxes.',
  },
  getrandom: {
    summary: 'Fill a buffer with random bytes from the kernel\'s generator.',
    note:
      'Many runtimes and libraries call it early (hash-table seeds, TLS libraries, glibc\'s ' +
      '`arc4random`). Allow it; denying it forces fallbacks to `/dev/urandom`, which needs file access.',
  },
  reboot: {
    summary: 'Restart, halt or power off the machine, or toggle Ctrl-Alt-Del behaviour.',
    note:
      'Needs CAP_SYS_BOOT. Inside a PID namespace it ends the namespace\'s init rather than the host. ' +
      'Deny it.',
  },
  swapon: { summary: 'Start using a file or device as swap space.', note: 'Needs CAP_SYS_ADMIN; deny it in sandboxes.' },
  swapoff: { summary: 'Stop using a file or device as swap space.', note: 'Needs CAP_SYS_ADMIN; deny it in sandboxes.' },
  acct: {
    summary: 'Turn process accounting on (to a file) or off.',
    note: 'Needs CAP_SYS_PACCT and affects the whole system. Deny it.',
  },
  vhangup: { summary: 'Hang up the controlling terminal, as if the line dropped.' },
  kexec_load: {
    summary: 'Load a new kernel image to boot into later, skipping the firmware.',
    note:
      'Replacing the kernel means total control of the machine. Needs CAP_SYS_BOOT; deny it always. ' +
      'Also deny `kexec_file_load`.',
  },
  kexec_file_load: {
    summary: 'Load a new kernel to boot into later, from file descriptors.',
    note: 'As dangerous as `kexec_load`; deny it always.',
  },
  init_module: {
    summary: 'Load a kernel module from a memory buffer.',
    note:
      'Kernel modules run with full kernel privileges. Needs CAP_SYS_MODULE; deny it, together with ' +
      '`finit_module` and `delete_module`.',
  },
  finit_module: {
    summary: 'Load a kernel module from an open file.',
    note: 'Same power as `init_module`; deny it.',
  },
  delete_module: {
    summary: 'Unload a kernel module.',
    note: 'Needs CAP_SYS_MODULE; unloading a module can disable security features. Deny it.',
  },
  create_module: { summary: 'Reserve space for a kernel module; removed in Linux 2.6.', obsolete: true, note: NEVER_IMPLEMENTED },
  get_kernel_syms: { summary: 'List exported kernel symbols; removed in Linux 2.6.', obsolete: true, note: NEVER_IMPLEMENTED },
  query_module: { summary: 'Ask about loaded kernel modules; removed in Linux 2.6.', obsolete: true, note: NEVER_IMPLEMENTED },
  _sysctl: {
    summary: 'Read or write kernel tunables by numeric path; removed in Linux 5.5.',
    obsolete: true,
    note: 'Tunables live under `/proc/sys` now.',
  },
  bdflush: { summary: 'Tune or start the old buffer-flush daemon; long a no-op.', obsolete: true },
  nfsservctl: {
    summary: 'Control the in-kernel NFS server; removed in Linux 3.1.',
    obsolete: true,
    note: 'Kernels since 3.1 return ENOSYS. Safe to deny.',
  },
  uselib: {
    summary: 'Load a shared library in the old a.out format.',
    obsolete: true,
    note: 'Only for a.out binaries; modern kernels are normally built without it. Deny it.',
  },
  lookup_dcookie: {
    summary: 'Turn a profiler cookie into a path; served only the old oprofile tool.',
    obsolete: true,
    note: 'No current program needs it. Deny it.',
  },
  idle: { summary: 'Historical call that made the caller the idle task.', obsolete: true, note: NEVER_IMPLEMENTED },
  vserver: { summary: 'Reserved for an out-of-tree virtualisation patch.', obsolete: true, note: NEVER_IMPLEMENTED },

  // --- kernel subsystems with a large attack surface ---------------------------------------------
  bpf: {
    summary: 'Load eBPF programs and manage maps, links and BTF objects.',
    note:
      'eBPF verifier and helper bugs have been a steady source of privilege escalations. Most ' +
      'commands need privilege (`kernel.unprivileged_bpf_disabled`), but deny it in sandboxes anyway. ' +
      'Note that installing a seccomp filter does not use this call.',
  },
  perf_event_open: {
    summary: 'Open a performance monitoring counter, sampler or tracepoint.',
    note:
      'Large and bug-prone kernel interface that can also leak information about other processes ' +
      'and the kernel; limited by `kernel.perf_event_paranoid`. Deny it unless profiling.',
  },
  seccomp: {
    summary: 'Install a seccomp filter, or query seccomp features.',
    note:
      'Installing another filter can only add restrictions: filters stack and the strictest result ' +
      'wins, so allowing it is safe. It needs no_new_privs (or CAP_SYS_ADMIN). Programs that sandbox ' +
      'themselves (browsers, ssh) call it; a filter can also be installed with `prctl(PR_SET_SECCOMP)`.',
  },
  landlock_create_ruleset: {
    summary: 'Create a Landlock ruleset for unprivileged self-sandboxing.',
    note:
      'Landlock (Linux 5.13) lets a program restrict its own file and network access, complementing ' +
      'seccomp. It can only reduce rights, so it is safe to allow.',
  },
  landlock_add_rule: { summary: 'Add an access rule (path beneath a directory, network port) to a ruleset.' },
  landlock_restrict_self: {
    summary: 'Apply a Landlock ruleset to the calling thread, for good.',
    note: 'Like seccomp, it needs no_new_privs (or CAP_SYS_ADMIN) and only takes rights away.',
  },
  lsm_get_self_attr: { summary: 'Read the caller\'s security-module attributes (e.g. its label).' },
  lsm_set_self_attr: { summary: 'Change one of the caller\'s security-module attributes.' },
  lsm_list_modules: { summary: 'List the security modules active in the kernel.' },
  keyctl: {
    summary: 'Manage kernel keyrings and the keys in them.',
    note:
      'Keyrings are not fully isolated between containers (for a long time they were not namespaced ' +
      'at all), and the code has had security bugs. Container profiles deny it with `add_key` and `request_key`.',
  },
  add_key: { summary: 'Create or update a key and add it to a keyring.', note: 'Keyrings are not namespaced like most resources; see `keyctl`.' },
  request_key: {
    summary: 'Find a key in the keyrings, optionally asking user space to create it.',
    note: 'Keyrings are not namespaced like most resources; see `keyctl`. It may also start a helper program outside the sandbox.',
  },

  // --- architecture-specific and raw hardware access --------------------------------------------
  ioperm: {
    summary: 'Allow the thread to use a range of x86 I/O ports directly.',
    note: 'Needs CAP_SYS_RAWIO; direct hardware access bypasses every kernel check. Deny it.',
  },
  iopl: {
    summary: 'Raise the thread\'s x86 I/O privilege level to reach all I/O ports.',
    note: 'Needs CAP_SYS_RAWIO; deny it. (Since Linux 5.5 it is emulated and no longer allows disabling interrupts.)',
  },
  modify_ldt: {
    summary: 'Read or write the x86 local descriptor table (custom segments).',
    note:
      'Needed by Wine and by code running 16-bit segments, not by ordinary programs; it has had ' +
      'several serious bugs. Deny it.',
  },
  vm86: {
    summary: 'Run code in x86 virtual-8086 mode (i386 only).',
    note: 'For DOS emulators; often compiled out, and historically bug-prone. Deny it.',
  },
  vm86old: {
    summary: 'Original interface for x86 virtual-8086 mode (i386 only).',
    note: 'Like `vm86`: deny it.',
  },
  get_thread_area: { summary: 'Read a thread-local-storage segment entry (x86).' },
  set_thread_area: {
    summary: 'Set a thread-local-storage segment entry in the GDT (x86).',
    note: 'On i386, libc sets up thread-local storage with it at startup; allow it there.',
  },
  pciconfig_iobase: { summary: 'Get PCI bus I/O base addresses (arm).' },
  pciconfig_read: { summary: 'Read PCI configuration space of a device (arm).', note: 'Needs CAP_SYS_ADMIN; deny it.' },
  pciconfig_write: { summary: 'Write PCI configuration space of a device (arm).', note: 'Needs CAP_SYS_ADMIN; deny it.' },
  riscv_flush_icache: {
    summary: 'Make instruction caches see recently written code (riscv; used by JITs).',
    note: 'Needed by JIT compilers and some libc paths on riscv64; harmless to allow.',
  },
  riscv_hwprobe: {
    summary: 'Ask which riscv ISA extensions and CPU properties are present.',
    note: 'C libraries may call it during startup to pick optimised routines; allow it.',
  },
  uprobe: {
    summary: 'Kernel-internal entry used by x86_64 uprobe trampolines; not for programs.',
    note: 'Only reached when a uprobe is placed in the program. Newer kernels let it through seccomp.',
  },
  uretprobe: {
    summary: 'Kernel-internal return path for x86_64 uretprobes; not for programs.',
    note:
      'Issued by a trampoline the kernel inserts when a function-return probe fires. Kernels that ' +
      'added it briefly killed probed sandboxed programs; later kernels let it through seccomp.',
  },

  // --- reserved, never implemented -----------------------------------------------------------------
  afs_syscall: { summary: 'Reserved for the AFS file system client.', obsolete: true, note: NEVER_IMPLEMENTED },
  getpmsg: { summary: 'Reserved for STREAMS message receive.', obsolete: true, note: NEVER_IMPLEMENTED },
  putpmsg: { summary: 'Reserved for STREAMS message send.', obsolete: true, note: NEVER_IMPLEMENTED },
  security: { summary: 'Reserved for security modules; never wired up.', obsolete: true, note: NEVER_IMPLEMENTED },
  tuxcall: { summary: 'Reserved for the TUX in-kernel web server.', obsolete: true, note: NEVER_IMPLEMENTED },
  break: { summary: 'Historical UNIX call reserved on i386.', obsolete: true, note: NEVER_IMPLEMENTED },
  ftime: { summary: 'Historical time-of-day call reserved on i386.', obsolete: true, note: NEVER_IMPLEMENTED },
  gtty: { summary: 'Historical terminal query reserved on i386.', obsolete: true, note: NEVER_IMPLEMENTED },
  stty: { summary: 'Historical terminal setup reserved on i386.', obsolete: true, note: NEVER_IMPLEMENTED },
  lock: { summary: 'Historical locking call reserved on i386.', obsolete: true, note: NEVER_IMPLEMENTED },
  mpx: { summary: 'Historical multiplexing call reserved on i386.', obsolete: true, note: NEVER_IMPLEMENTED },
  prof: { summary: 'Historical profiling call reserved on i386.', obsolete: true, note: NEVER_IMPLEMENTED },
  profil: { summary: 'Historical execution-profiling call reserved on i386.', obsolete: true, note: NEVER_IMPLEMENTED },
};
