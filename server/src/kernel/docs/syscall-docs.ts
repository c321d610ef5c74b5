/**
 * Our own one-line summaries and seccomp notes for each syscall.
 * (Placeholder shape; the full table is being written.)
 */
export interface SyscallDoc {
  readonly summary: string;
  /** Markdown; what a sandbox author should know. */
  readonly note?: string;
  /** Kept only for old binaries. */
  readonly obsolete?: boolean;
}

export const SYSCALL_DOCS: Readonly<Record<string, SyscallDoc>> = {};
