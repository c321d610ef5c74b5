/** Policy actions as seccomp return values (include/uapi/linux/seccomp.h). */
import {
  SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE, SECCOMP_RET_TRAP, SECCOMP_RET_USER_NOTIF,
} from '../bpf/instructions';
import type { ConcreteAction } from '../policy/semantics/model';

export function retValue(action: ConcreteAction): number {
  switch (action.kind) {
    case 'allow': return SECCOMP_RET_ALLOW;
    case 'log': return SECCOMP_RET_LOG;
    case 'notify': return SECCOMP_RET_USER_NOTIF;
    case 'kill_thread': return SECCOMP_RET_KILL_THREAD;
    case 'kill_process': return SECCOMP_RET_KILL_PROCESS;
    case 'errno': return (SECCOMP_RET_ERRNO | (action.data & 0xffff)) >>> 0;
    case 'trap': return (SECCOMP_RET_TRAP | (action.data & 0xffff)) >>> 0;
    case 'trace': return (SECCOMP_RET_TRACE | (action.data & 0xffff)) >>> 0;
  }
}
