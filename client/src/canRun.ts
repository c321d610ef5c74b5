/**
 * Whether this window can run programs under a policy, and if not the
 * sentence that says why. No vscode import: the unit tests check each case
 * (a Linux host is the only one the e2e tests have).
 */
export interface CannotRun {
  readonly message: string;
  /** Trusting the workspace would fix it (offer Manage Workspace Trust). */
  readonly trust: boolean;
}

export function cannotRunReason(platform: string, trusted: boolean): CannotRun | undefined {
  if (platform !== 'linux') {
    return {
      message: `Running a program under a seccomp policy needs Linux (this extension host runs on ${platformName(platform)}). Open the folder in a Remote (SSH, Dev Container) or WSL window to run it there; editing, checking and compiling work here.`,
      trust: false,
    };
  }
  if (!trusted) {
    return {
      message: 'Running and learning start programs, so they are disabled in Restricted Mode. Trust this workspace to use them; editing, checking and compiling work without.',
      trust: true,
    };
  }
  return undefined;
}

function platformName(platform: string): string {
  switch (platform) {
    case 'darwin': return 'macOS';
    case 'win32': return 'Windows';
    default: return platform;
  }
}
