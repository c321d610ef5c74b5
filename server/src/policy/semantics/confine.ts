/**
 * Include confinement: a policy includes files from its own folder's tree
 * and the folders its host allows (the workspace, the user's list), never
 * any file the user can read. Pure: the host says which folders, and
 * resolves symbolic links, so a link inside the folder that points out of
 * it is judged by where it points.
 */
import type { PolicyHost } from './model';
import { dirname } from './paths';

/** `path` is `dir` or lies under it (both absolute and normalised). */
export function isInside(path: string, dir: string): boolean {
  if (dir === '/') return path.startsWith('/');
  return path === dir || path.startsWith(`${dir}/`);
}

/** A root that is a URI (`untitled:Untitled-1`) has no folder of its own. */
function hasFolder(root: string): boolean {
  return !/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(root);
}

export class IncludeConfinement {
  private allowed: readonly string[] | undefined;
  private readonly real = new Map<string, string | undefined>();

  constructor(private readonly host: PolicyHost, private readonly root: string) {}

  /** Whether includes are confined at all (hosts that read from disk confine them). */
  get active(): boolean {
    return this.host.includeDirectories !== undefined;
  }

  /** The folders whose trees may be included from: the root's own, then the host's. */
  directories(): readonly string[] {
    if (!this.host.includeDirectories) return [];
    if (!this.allowed) {
      const folder = hasFolder(this.root) ? this.canonical(dirname(this.root)) : undefined;
      const own = folder !== undefined ? [folder] : [];
      this.allowed = [...own, ...this.host.includeDirectories(this.root)];
    }
    return this.allowed;
  }

  /**
   * Whether `path` may be included; always true when includes are not
   * confined, and for a path that does not exist (reading it will say so).
   */
  allows(path: string): boolean {
    if (!this.active) return true;
    const real = this.canonical(path);
    return real === undefined || this.directories().some((d) => isInside(real, d));
  }

  /**
   * Whether `dir` is worth offering when completing a path: inside an
   * allowed folder, or above one (the way to reach it).
   */
  leadsToAllowed(dir: string): boolean {
    if (!this.active) return true;
    const real = this.canonical(dir);
    return real !== undefined && this.directories().some((d) => isInside(real, d) || isInside(d, real));
  }

  /** The name `path` really has (a link's target's), as written when the host cannot say. */
  realName(path: string): string {
    return this.canonical(path) ?? path;
  }

  /** The path with symbolic links resolved; as written when the host cannot resolve; undefined when it does not exist. */
  private canonical(path: string): string | undefined {
    if (!this.host.realPath) return path;
    if (!this.real.has(path)) this.real.set(path, this.host.realPath(path));
    return this.real.get(path);
  }
}
