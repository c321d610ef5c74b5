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

/**
 * One sentence on stacking, in every action's text: a later or inherited
 * filter can only make a decision stricter. The order is seccomp.ts's.
 */
const STACKING = `With stacked filters the most severe result wins (${ACTION_PRECEDENCE.slice(0, 3).join(' > ')} > …).`;

const KILL_PROCESS_DETAIL =
  head('kill_process', '4.14') + '. Every thread dies as if by SIGSYS (with a core dump if ' +
  'enabled); logged by default. The safest answer to a call that should never happen. ' + STACKING;

/**
 * Each hover stays under 60 words (a test counts them): what the kernel
 * does, and the one thing a policy author most often gets wrong.
 */
export const ACTION_DOCS: Readonly<Record<ActionName, ActionDoc>> = {
  allow: {
    summary: 'Run the syscall normally.',
    detail:
      head('allow', '3.5') + '. Nothing is logged. Pointer arguments are never inspected, so ' +
      'allowing a call allows it for every path, buffer or struct. ' + STACKING,
  },
  log: {
    summary: 'Run the syscall, and record it in the audit log.',
    detail:
      head('log', '4.14') + '. Like `allow`, after an audit record (type SECCOMP) when `log` is in ' +
      '`/proc/sys/kernel/seccomp/actions_logged`, as by default. Handy to learn what a program calls. ' + STACKING,
  },
  errno: {
    summary: 'Skip the syscall and make it fail with the given errno.',
    detail:
      head('errno', '3.5') + `. The call returns -1 with that errno (clamped to ${MAX_ERRNO}). ` +
      '`ENOSYS` makes libc fall back to older calls; `EPERM` means refused; `errno(0)` fakes success, ' +
      'misleading programs. ' + STACKING,
  },
  trap: {
    summary: 'Skip the syscall and send SIGSYS to the thread.',
    detail:
      head('trap', '3.5') + '. A SIGSYS handler gets the number, ABI and `trap(N)`\'s value (in ' +
      '`si_errno`) and may emulate the call; without one the process dies with a core dump. ' + STACKING,
  },
  trace: {
    summary: 'Ask a ptrace tracer; without one the syscall fails with ENOSYS.',
    detail:
      head('trace', '3.5') + '. A tracer using PTRACE_O_TRACESECCOMP gets N and may run, change or ' +
      'skip the call (the filter then runs again, since Linux 4.8); with no tracer, ENOSYS. ' + STACKING,
  },
  notify: {
    summary: 'Pause the syscall and ask a user-space supervisor.',
    detail:
      head('notify', '5.0') + '. Needs SECCOMP_FILTER_FLAG_NEW_LISTENER; without a listener, ENOSYS. ' +
      'The supervisor\'s reads of the caller\'s memory race with it: never allow on pointer contents. ' + STACKING,
  },
  kill_thread: {
    summary: 'Kill only the calling thread, without running the syscall.',
    detail:
      head('kill_thread', '3.5', ', first named SECCOMP_RET_KILL') + '. Other threads keep running, ' +
      'perhaps with locks the dead one held: prefer `kill_process`. ' + STACKING,
  },
  kill_process: {
    summary: 'Kill the whole process, without running the syscall.',
    detail: KILL_PROCESS_DETAIL,
  },
  kill: {
    summary: 'Same as `kill_process`.',
    detail: '`kill` is short for `kill_process`: ' + KILL_PROCESS_DETAIL,
  },
};
