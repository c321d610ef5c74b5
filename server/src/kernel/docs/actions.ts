/**
 * Our own documentation for the policy actions of spec §4: what the kernel
 * does for each SECCOMP_RET_* value. Shown on hover and in completions.
 */
import {
  ACTION_PRECEDENCE, actionConstantName, actionValue, MAX_ERRNO, type ActionKind, type ActionName,
} from '../seccomp';

export interface ActionDoc {
  /** One line. */
  readonly summary: string;
  /** Markdown paragraph(s) on what the kernel does. */
  readonly detail: string;
}

/** How each detail starts: the kernel constant, its value and the version that added it, from seccomp.ts. */
function head(kind: ActionKind, since: string, more = ''): string {
  const value = `0x${actionValue(kind).toString(16).padStart(8, '0')}`;
  return `\`${actionConstantName(kind)}\` (${value}, Linux ${since}${more})`;
}

const STACKING =
  'When several filters are installed (each `seccomp()` call adds one, and children inherit ' +
  `them), every filter runs and the most severe result wins, in this order: ${ACTION_PRECEDENCE.join(', ')}. ` +
  'Between equal actions, the value from the most recently installed filter is used.';

const KILL_PROCESS_DETAIL =
  head('kill_process', '4.14') + '. The syscall is not run and the whole ' +
  'process (every thread) dies as if from an unhandled SIGSYS: a parent sees it killed by ' +
  'SIGSYS, and a core dump is written if core dumps are enabled. The event is written to the audit ' +
  'log by default (`/proc/sys/kernel/seccomp/actions_logged`). The safest way to refuse a call ' +
  'that should never happen. On kernels older than 4.14 the filter cannot be loaded with this ' +
  'action.\n\n' + STACKING;

export const ACTION_DOCS: Readonly<Record<ActionName, ActionDoc>> = {
  allow: {
    summary: 'Run the syscall normally.',
    detail:
      head('allow', '3.5') + '. The kernel carries out the call as if no filter ' +
      'were there, and nothing is logged. Arguments that are pointers were not inspected, so ' +
      'allowing a call allows it for every path, buffer or struct it is given.\n\n' + STACKING,
  },
  log: {
    summary: 'Run the syscall, and record it in the audit log.',
    detail:
      head('log', '4.14') + '. Like `allow`, but the kernel first emits an audit ' +
      'record (type SECCOMP) naming the process, ABI and syscall number, as long as `log` is listed ' +
      'in `/proc/sys/kernel/seccomp/actions_logged` (it is by default). Useful to find out which ' +
      'calls a program makes before tightening a policy. On older kernels the filter cannot be ' +
      'loaded with this action.\n\n' + STACKING,
  },
  errno: {
    summary: 'Skip the syscall and make it fail with the given errno.',
    detail:
      head('errno', '3.5') + ' with the errno in the low 16 bits. The call is not ' +
      `run; the program sees a return value of -1 with \`errno\` set (values above ${MAX_ERRNO} are clamped ` +
      `to ${MAX_ERRNO}). ` + 'Pick the errno with care: `ENOSYS` means "this kernel has no such call", which makes ' +
      'libraries fall back to older calls (the right answer for `clone3`, `openat2`, `faccessat2`), ' +
      'while `EPERM` or `EACCES` mean "not allowed" and usually make the operation fail for good. ' +
      '`errno(0)` makes the call report success without doing anything, which can mislead a program ' +
      '(for example into believing it dropped privileges). Logged only when the filter was installed ' +
      'with SECCOMP_FILTER_FLAG_LOG.\n\n' + STACKING,
  },
  trap: {
    summary: 'Skip the syscall and send SIGSYS to the thread, which may handle it.',
    detail:
      head('trap', '3.5') + '. The call is not run; instead the thread receives a ' +
      'SIGSYS whose siginfo has `si_code` SYS_SECCOMP, `si_syscall` (the number), `si_arch` (the ' +
      'AUDIT_ARCH value), `si_call_addr` (where the call was made) and `si_errno` set to the value ' +
      'given as `trap(N)` (0 when omitted). A SIGSYS handler can emulate the call, report it, or ' +
      'change the return value in the saved registers; without a handler (or with SIGSYS blocked) ' +
      'the process is killed with a core dump. Logged only when the filter was installed with ' +
      'SECCOMP_FILTER_FLAG_LOG.\n\n' + STACKING,
  },
  trace: {
    summary: 'Stop and notify a ptrace tracer; fail with ENOSYS if no tracer is attached.',
    detail:
      head('trace', '3.5') + ' with `trace(N)`\'s value in the low 16 bits. If a ' +
      'tracer is attached with PTRACE_O_TRACESECCOMP, the thread stops with PTRACE_EVENT_SECCOMP ' +
      'and the tracer can read N with PTRACE_GETEVENTMSG, then let the call run, change its number or ' +
      'arguments, or skip it by setting the number to -1. Since Linux 4.8 the filters are run again ' +
      'on the possibly changed call. If no tracer is attached (or it did not ask for seccomp ' +
      'events) the call is not run and fails with ENOSYS.\n\n' + STACKING,
  },
  notify: {
    summary: 'Pause the syscall and ask a user-space supervisor what to do.',
    detail:
      head('notify', '5.0') + '. The filter must have been installed with ' +
      'SECCOMP_FILTER_FLAG_NEW_LISTENER, which returns a listener fd to the installer; a supervisor ' +
      'reads each event with SECCOMP_IOCTL_NOTIF_RECV and answers with a return value or errno, ' +
      'can inject a file descriptor (SECCOMP_IOCTL_NOTIF_ADDFD, 5.9), or can let the call go ahead ' +
      '(SECCOMP_USER_NOTIF_FLAG_CONTINUE, 5.5). Without a listener, or once it is closed, the call ' +
      'fails with ENOSYS. Reading the target\'s memory to decide is racy (the pointed-to data can ' +
      'change), so CONTINUE must not be used as a security decision based on pointer contents.\n\n' +
      STACKING,
  },
  kill_thread: {
    summary: 'Kill only the calling thread, without running the syscall.',
    detail:
      head('kill_thread', '3.5', ', originally called SECCOMP_RET_KILL') + '. The ' +
      'call is not run and only the thread that made it exits, as if by SIGSYS; the other threads ' +
      'keep running, possibly with locks the dead thread held. A core dump is produced only when ' +
      'it was the last thread. Prefer `kill_process` unless the program is single-threaded or ' +
      'built for this. Logged by default.\n\n' + STACKING,
  },
  kill_process: {
    summary: 'Kill the whole process, without running the syscall.',
    detail: KILL_PROCESS_DETAIL,
  },
  kill: {
    summary: 'Same as `kill_process`: kill the whole process without running the syscall.',
    detail: '`kill` is this language\'s short name for `kill_process`.\n\n' + KILL_PROCESS_DETAIL,
  },
};
