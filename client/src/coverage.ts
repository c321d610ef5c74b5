/**
 * Policy coverage after a run, as the server reported it in `runFinished`:
 * how often each rule decided. The server shows it in the editor itself
 * (inlay hints, rules never reached dimmed, a code action to narrow a rule);
 * the client keeps the figures of the last run per policy for its API.
 */
import type * as vscode from 'vscode';

export interface RuleHits {
  readonly location: vscode.Location;
  readonly count: number;
}

export class Coverage {
  private readonly byPolicy = new Map<string, readonly RuleHits[]>();

  /** The coverage of the last run of a policy. */
  get(policy: vscode.Uri): readonly RuleHits[] | undefined {
    return this.byPolicy.get(policy.toString());
  }

  show(policy: vscode.Uri, hits: readonly RuleHits[]): void {
    this.byPolicy.set(policy.toString(), hits);
  }

  clear(policy?: vscode.Uri): void {
    if (policy) this.byPolicy.delete(policy.toString());
    else this.byPolicy.clear();
  }
}
