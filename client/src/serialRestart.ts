/**
 * Restarts of the language server, one at a time. A restart asked for while
 * one runs (trust granted and the helper's path changed in quick succession,
 * or a setting toggled twice) would stop the server that restart is still
 * starting: the language client then fails that start, and the user is told
 * the server failed although the next start succeeds. Requests that arrive
 * during a restart are folded into one more restart after it, which reads
 * the settings as they are by then. No vscode import: unit-tested alone.
 */
export function serialRestart(restartNow: () => Promise<void>): () => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  return () => {
    if (queued) return queued;
    const next = last.then(() => {
      // From here a new request queues a restart after this one: this one may already have read the settings.
      queued = undefined;
      return restartNow();
    });
    // `restartNow` reports its own failures; the chain goes on after one.
    last = queued = next.catch(() => undefined);
    return queued;
  };
}
