/**
 * A run saved to a file: strace's text (each line with the decision and the
 * rule, as `seccomp-policy run` prints it) or JSON (the rows as the server
 * sent them). Pure: the host writes the result with `workspace.fs`.
 */
import type { PanelSnapshot } from './panelProtocol';
import { isRow } from './traceStore';

const TEXT_COLUMN = 60;

export function toStraceText(s: PanelSnapshot): string {
  const out: string[] = [];
  if (s.header) {
    out.push(`# seccomp-policy run (${s.header.mode}) under ${s.header.policyLabel}: ${s.header.argv.join(' ')}`);
  }
  if (s.dropped > 0) out.push(`# ${s.dropped} older rows dropped`);
  const items = [...s.rows, ...s.notes].sort((a, b) => a.seq - b.seq);
  for (const item of items) {
    const prefix = `${String(item.pid).padEnd(7)} ${(item.time / 1000).toFixed(6)} `;
    if (isRow(item)) out.push(`${prefix}${item.text.padEnd(TEXT_COLUMN)}  # ${item.action}  ${item.where}`);
    else out.push(`${prefix}${item.text}`);
  }
  if (s.finished) out.push(`# ${s.finished.sentence}`);
  return out.join('\n') + '\n';
}

export function toTraceJson(s: PanelSnapshot): string {
  return JSON.stringify({
    header: s.header,
    dropped: s.dropped,
    rows: s.rows,
    notes: s.notes,
    stdout: s.stdout,
    stderr: s.stderr,
    finished: s.finished,
  }, null, 1) + '\n';
}
