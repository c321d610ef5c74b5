/**
 * The trace panel's page. It shows what the host sends (client/src/panel/)
 * and asks the host to act; it has no API but `acquireVsCodeApi`.
 *
 * Rows are virtualised: a spacer as tall as all rows, and only the rows in
 * view (plus a margin) exist in the DOM, recycled on scroll. Batches are
 * rendered at most once per animation frame. The store is bounded; what it
 * drops is counted and shown as a marker row at the top.
 */
import type { AskAnswerKind, RowColumns, RunAskParams, RunFinishedParams, SummaryRow, TraceNote, TraceRow } from '../../server/src/lsp/ext';
import { decodeRows } from '../../server/src/lsp/rowColumns';
import { EMPTY_FILTER, isDenied, type DecisionFilter, type HostToPage, type PageState, type PageToHost, type PanelSnapshot, type RunHeader, type TraceFilter } from '../shared/panelProtocol';
import { DEFAULT_MAX_ROWS, FilteredView, isRow, TraceStore, type TraceItem } from '../shared/traceStore';
import './panel.css';

interface VsCodeApi {
  postMessage(message: PageToHost): void;
  getState(): PageState | undefined;
  setState(state: PageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const ROW_HEIGHT = 22;
/** Rows rendered beyond the visible ones, so fast scrolling shows no gaps. */
const OVERSCAN = 20;
/** Rows kept in the page's own state (for a reload); the host keeps more. */
const STATE_ROWS = 2_000;
const OUTPUT_CHARS = 64 * 1024;

let header: RunHeader | undefined;
/** Rows kept, as the host says (`seccompPolicy.trace.maxRows`). */
let maxRows = DEFAULT_MAX_ROWS;
let store = new TraceStore(maxRows);
let filter: TraceFilter = vscode.getState()?.filter ?? EMPTY_FILTER;
let view = new FilteredView(store, filter);
let finished: RunFinishedParams | undefined;
let problem: string | undefined;
let stdout = '';
let stderr = '';
let follow = true;
let selectedSeq: number | undefined;
let frame = 0;
/** Ask mode: the open question (the card), and whether our answer to it is on its way. */
let question: RunAskParams | undefined;
let answering = false;
/** Why the last answer was refused, shown until the next question. */
let askMessage: string | undefined;
const seenSyscalls = new Set<string>();

// ── DOM ──────────────────────────────────────────────────────────────────

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(label: string, title: string, onClick: () => void, cls = ''): HTMLButtonElement {
  const b = el('button', cls, label);
  b.title = title;
  b.type = 'button';
  b.addEventListener('click', (e) => {
    e.stopPropagation();
    onClick();
  });
  return b;
}

const app = document.getElementById('app')!;
const top = el('header', 'bar');
const title = el('div', 'title');
const status = el('div', 'status');
status.setAttribute('role', 'status');
const actions = el('div', 'actions');
const stopButton = button('Stop', 'Stop the program', () => vscode.postMessage({ type: 'stop' }), 'stop');
const rerunButton = button('Re-run', 'Run the same command again under the policy as it is now', () => vscode.postMessage({ type: 'rerun' }), 'rerun primary');
const askButton = button('Re-run in ask mode', 'Run again; each call the policy does not simply allow waits for your answer here', () => vscode.postMessage({ type: 'rerun', mode: 'enforce', ask: true }), 'ask');
const modeButton = button('Re-run permissive', 'Run again, letting every syscall through and marking what the policy would deny', () => vscode.postMessage({ type: 'rerun', mode: header?.mode === 'permissive' ? 'enforce' : 'permissive' }), 'mode');
const saveText = button('Save as text', 'Save the trace in strace\'s form', () => vscode.postMessage({ type: 'save', format: 'text' }));
const saveJson = button('Save as JSON', 'Save the trace as JSON', () => vscode.postMessage({ type: 'save', format: 'json' }));
actions.append(stopButton, rerunButton, askButton, modeButton, saveText, saveJson);
top.append(title, status, actions);

const verdict = el('div', 'verdict');
verdict.hidden = true;

// Ask mode: the call that waits for an answer, and the answers.
const card = el('section', 'question');
card.hidden = true;
card.setAttribute('role', 'group');
card.setAttribute('aria-label', 'A call waits for your answer');
card.tabIndex = -1;

const filters = el('div', 'filters');
function input(placeholder: string, label: string, value: string, cls: string): HTMLInputElement {
  const i = el('input', cls);
  i.type = 'search';
  i.placeholder = placeholder;
  i.setAttribute('aria-label', label);
  i.value = value;
  i.addEventListener('input', onFilterInput);
  return i;
}
const textFilter = input('Filter text…', 'Filter by text', filter.text, 'filter-text');
const syscallFilter = input('syscall', 'Filter by syscall', filter.syscall, 'filter-syscall');
const syscallList = el('datalist');
syscallList.id = 'syscalls';
syscallFilter.setAttribute('list', 'syscalls');
const pidFilter = input('pid', 'Filter by pid', filter.pid, 'filter-pid');
const decisionFilter = el('select', 'filter-decision');
decisionFilter.setAttribute('aria-label', 'Filter by decision');
for (const [value, label] of [['', 'all decisions'], ['denied', 'denied'], ['allow', 'allow'], ['log', 'log'], ['errno', 'errno'], ['trap', 'trap'], ['trace', 'trace'], ['notify', 'notify'], ['kill', 'kill'], ['none', 'before the filter']] as const) {
  const o = el('option', undefined, label);
  o.value = value;
  decisionFilter.append(o);
}
decisionFilter.value = filter.decision;
decisionFilter.addEventListener('change', onFilterInput);
const counter = el('span', 'counter');
filters.append(textFilter, syscallFilter, syscallList, pidFilter, decisionFilter, counter);

// The selected row in full, with its fixes: rows are one line and may be narrow.
const detail = el('div', 'detail');
detail.hidden = true;

const list = el('div', 'rows');
list.tabIndex = 0;
list.setAttribute('role', 'list');
list.setAttribute('aria-label', 'Traced syscalls');
const spacer = el('div', 'spacer');
list.append(spacer);

const details = el('div', 'details');
const summaryBox = el('section', 'summary');
const outputBox = el('section', 'output');
details.append(summaryBox, outputBox);

app.append(top, verdict, card, filters, detail, list, details);

// ── state ────────────────────────────────────────────────────────────────

function resetState(h: RunHeader | undefined): void {
  header = h;
  store = new TraceStore(maxRows);
  view = new FilteredView(store, filter);
  finished = undefined;
  problem = undefined;
  stdout = '';
  stderr = '';
  follow = true;
  selectedSeq = undefined;
  question = undefined;
  answering = false;
  askMessage = undefined;
  seenSyscalls.clear();
  syscallList.replaceChildren();
  list.scrollTop = 0;
}

function addRows(rows: readonly TraceRow[], notes: readonly TraceNote[] = []): void {
  store.add(rows, notes);
  for (const r of rows) seeSyscall(r.syscall);
}

/** A batch as the host forwards it: the syscall names come from its shapes, not from every row. */
function addColumns(batches: readonly RowColumns[], notes: readonly TraceNote[]): void {
  // One add for all: notes of the first batch may come before rows of the last (the store merges by seq).
  const rows = batches.length === 1 ? decodeRows(batches[0]!) : batches.flatMap(decodeRows);
  store.add(rows, notes);
  for (const c of batches) for (const s of c.shapes) seeSyscall(s.syscall);
}

/** Offers a syscall name in the filter's list once. */
function seeSyscall(name: string): void {
  if (seenSyscalls.has(name)) return;
  seenSyscalls.add(name);
  const o = el('option');
  o.value = name;
  syscallList.append(o);
}

function restore(s: PanelSnapshot): void {
  resetState(s.header);
  store.addDropped(s.dropped);
  addRows(s.rows, s.notes);
  view.update();
  stdout = s.stdout.slice(-OUTPUT_CHARS);
  stderr = s.stderr.slice(-OUTPUT_CHARS);
  finished = s.finished;
  problem = s.problem;
  question = s.question;
}

function snapshot(): PanelSnapshot {
  const items: TraceItem[] = [];
  for (let i = Math.max(0, store.size - STATE_ROWS); i < store.size; i++) items.push(store.at(i));
  return {
    header,
    rows: items.filter(isRow),
    notes: items.filter((i) => !isRow(i)) as PanelSnapshot['notes'],
    dropped: store.total - items.length,
    stdout,
    stderr,
    finished,
    ...(problem !== undefined ? { problem } : {}),
    ...(question ? { question } : {}),
  };
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;
let savedSnapshot: PanelSnapshot | undefined;
/** Keeps a small copy in the webview state, for the serializer (a window reload); rows at most every 500 ms. */
function saveState(now = false): void {
  if (saveTimer) clearTimeout(saveTimer);
  const write = () => {
    savedSnapshot = snapshot();
    vscode.setState({ snapshot: savedSnapshot, filter });
  };
  if (now) write();
  else saveTimer = setTimeout(write, 500);
}

/** The filter is kept at once (the panel may be hidden the next moment), with the last saved rows. */
function saveFilter(): void {
  if (savedSnapshot) vscode.setState({ snapshot: savedSnapshot, filter });
  else saveState(true);
}

window.addEventListener('message', (e: MessageEvent<HostToPage>) => {
  const m = e.data;
  switch (m.type) {
    case 'reset':
      maxRows = m.maxRows ?? maxRows;
      resetState(m.header);
      break;
    case 'events':
      if (m.runId !== header?.runId && header) return;
      addColumns(m.rows, m.notes ?? []);
      if (m.stdout) stdout = (stdout + m.stdout).slice(-OUTPUT_CHARS);
      if (m.stderr) stderr = (stderr + m.stderr).slice(-OUTPUT_CHARS);
      break;
    case 'finished':
      finished = m.finished;
      // The run is over: nothing waits any more.
      question = undefined;
      answering = false;
      askMessage = undefined;
      cardKey = '';
      // The row that killed the program is what the user wants to see first.
      if (finished.fatalSeq !== undefined && selectedSeq === undefined) selectedSeq = finished.fatalSeq;
      saveState(true);
      break;
    case 'restore':
      maxRows = m.maxRows ?? maxRows;
      restore(m.snapshot);
      break;
    case 'problem':
      problem = m.message;
      break;
    case 'ask':
      if (m.question.runId !== header?.runId) return;
      question = m.question;
      answering = false;
      askMessage = undefined;
      cardKey = '';
      saveState(true);
      break;
    case 'asked':
      if (question?.questionId === m.questionId) question = undefined;
      answering = false;
      askMessage = m.message;
      cardKey = '';
      saveState(true);
      break;
  }
  schedule();
  saveState();
});

function onFilterInput(): void {
  filter = {
    text: textFilter.value,
    syscall: syscallFilter.value,
    pid: pidFilter.value,
    decision: decisionFilter.value as DecisionFilter,
  };
  view.setFilter(filter);
  saveFilter();
  schedule();
}

// ── rendering ────────────────────────────────────────────────────────────

function schedule(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    render();
  });
}

function render(): void {
  view.update();
  renderHeader();
  renderQuestion();
  renderDetail();
  renderRows();
  renderSummary();
  renderOutput();
}

function renderHeader(): void {
  const running = header !== undefined && finished === undefined && problem === undefined;
  title.textContent = header ? `${header.argv.join(' ')}` : 'No run yet';
  title.title = header ? `${header.argv.join(' ')} under ${header.policyLabel}` : '';
  const parts: string[] = [];
  if (header) parts.push(`${header.policyLabel} · ${header.ask ? 'ask' : header.mode}`);
  if (running) parts.push('running…');
  else if (finished) parts.push(finished.status === undefined ? 'did not start' : `exit status ${finished.status}`);
  parts.push(`${store.syscalls.toLocaleString('en-US')} syscall${store.syscalls === 1 ? '' : 's'}`);
  status.textContent = parts.join(' · ');
  document.body.classList.toggle('running', running);
  stopButton.disabled = !running;
  rerunButton.disabled = header === undefined || running;
  modeButton.disabled = header === undefined || running;
  askButton.disabled = header === undefined || running;
  askButton.hidden = header?.ask === true;
  modeButton.textContent = header?.mode === 'permissive' ? 'Re-run enforcing' : 'Re-run permissive';
  saveText.disabled = saveJson.disabled = store.total === 0;

  const sentence = problem ?? finished?.error ?? finished?.sentence;
  verdict.hidden = !sentence;
  verdict.replaceChildren();
  if (sentence) {
    verdict.className = `verdict ${problem || finished?.error ? 'problem' : finished?.fatalSeq !== undefined ? 'fatal' : finished?.status === 0 ? 'success' : 'failure'}`;
    const text = el('span', 'sentence', sentence);
    verdict.append(text);
    if (finished?.fatalSeq !== undefined) {
      const fatalSeq = finished.fatalSeq;
      verdict.append(button('Show the row', 'Scroll to the syscall that killed the program', () => scrollToSeq(fatalSeq), 'link'));
    }
  }
  counter.textContent = view.length === store.size ? '' : `${view.length.toLocaleString('en-US')} of ${store.size.toLocaleString('en-US')} shown`;
}

const ANSWERS: readonly { answer: AskAnswerKind; label: string; title: string; cls: string }[] = [
  { answer: 'allow', label: 'Allow once', title: 'Let this call run; calls the policy cannot tell from it get the same answer for the rest of the run', cls: 'answer-allow primary' },
  { answer: 'always', label: 'Allow always', title: 'Let it run and add the rule allowing it to the policy (the edit stays unsaved)', cls: 'answer-always' },
  { answer: 'deny', label: 'Deny (EPERM)', title: 'Fail the call with EPERM', cls: 'answer-deny' },
  { answer: 'kill', label: 'Kill', title: 'Kill the calling process', cls: 'answer-kill' },
];

let cardKey = '';
/** The question card: the call, what the policy says and where (a link), what it decided on, the answers. */
function renderQuestion(): void {
  const key = question ? `${question.runId}/${question.questionId}/${answering ? 1 : 0}` : `none/${askMessage ?? ''}`;
  if (key === cardKey) return;
  cardKey = key;
  const q = question;
  card.hidden = !q && !askMessage;
  if (!q) {
    card.replaceChildren(...(askMessage ? [el('p', 'ask-message', askMessage)] : []));
    return;
  }
  const where = button(q.where, 'Show the deciding line in the policy', () => {
    if (q.location) vscode.postMessage({ type: 'reveal', location: q.location });
  }, 'link where');
  where.disabled = !q.location;
  const says = el('p', 'says');
  says.append(`pid ${q.pid} waits: the policy says `, el('strong', 'decision', q.action), ' at ', where);
  const on = el('p', 'decided-on');
  if (q.decidedOn.length === 0) on.textContent = 'Decided on the syscall alone.';
  else {
    on.append('Decided on ');
    q.decidedOn.forEach((a, i) => {
      if (i > 0) on.append(', ');
      on.append(el('code', undefined, `${a.name} = ${a.value}`));
    });
    on.append('. Pointer arguments are never read.');
  }
  const buttons = el('div', 'answers');
  for (const a of ANSWERS) {
    const b = button(a.label, a.title, () => {
      if (answering) return;
      answering = true;
      vscode.postMessage({ type: 'answer', questionId: q.questionId, answer: a.answer });
      schedule();
    }, a.cls);
    b.disabled = answering;
    buttons.append(b);
  }
  card.replaceChildren(el('h2', undefined, 'A call waits for your answer'), el('code', 'call', q.call), says, on, buttons);
  // A keyboard user lands on the card (not on an answer: a stray Enter must not answer); Tab reaches the link and the answers.
  if (!answering && document.hasFocus() && !(document.activeElement instanceof HTMLInputElement || document.activeElement instanceof HTMLSelectElement)) card.focus();
}

function fixButtons(row: TraceRow): HTMLElement[] {
  const out = [button('Allow this syscall', `Add a rule that allows ${row.syscall}`, () => vscode.postMessage({ type: 'allow', seq: row.seq, withArgs: false }), 'allow')];
  if (row.args && row.args.length > 0) {
    out.push(button('Allow with these arguments', `Add a rule that allows ${row.syscall} with exactly these arguments`, () => vscode.postMessage({ type: 'allow', seq: row.seq, withArgs: true }), 'allow-args'));
  }
  return out;
}

function renderDetail(): void {
  const row = selectedSeq === undefined ? undefined : store.findRow(selectedSeq);
  detail.hidden = !row;
  if (!row) return;
  const denied = isDenied(row.kind) && row.applied !== 'unfiltered';
  detail.className = `detail kind-${row.kind}${denied ? ' denied' : ''}`;
  const where = button(row.where, 'Show the rule in the policy', () => {
    if (row.location) vscode.postMessage({ type: 'reveal', location: row.location });
  }, 'link where');
  where.disabled = !row.location;
  const parts: HTMLElement[] = [
    el('span', 'pid', `pid ${row.pid}`),
    el('code', 'text', row.text),
    el('span', 'decision', row.applied === 'unfiltered' ? 'before the filter' : row.applied === 'permissive' ? `would ${row.action}` : row.action),
    where,
  ];
  if (denied) parts.push(...fixButtons(row));
  detail.replaceChildren(...parts);
}

/** The marker row for dropped rows takes the first slot when there is one. */
function markerRows(): number {
  return store.dropped > 0 ? 1 : 0;
}

const pool: HTMLDivElement[] = [];

function renderRows(): void {
  const marker = markerRows();
  const count = view.length + marker;
  spacer.style.height = `${count * ROW_HEIGHT}px`;
  if (follow) list.scrollTop = list.scrollHeight;
  const first = Math.max(0, Math.floor(list.scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((list.scrollTop + list.clientHeight) / ROW_HEIGHT) + OVERSCAN);
  let used = 0;
  for (let i = first; i < last; i++) {
    const div = pool[used] ?? newPoolRow();
    used++;
    div.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
    if (i < marker) fillMarker(div);
    else fillRow(div, view.at(i - marker));
  }
  for (let i = used; i < pool.length; i++) pool[i]!.hidden = true;
}

function newPoolRow(): HTMLDivElement {
  const div = el('div', 'row');
  div.setAttribute('role', 'listitem');
  list.append(div);
  pool.push(div);
  return div;
}

function fillMarker(div: HTMLDivElement): void {
  div.hidden = false;
  div.className = 'row marker';
  div.dataset.seq = '';
  div.replaceChildren(el('span', 'text', `${store.dropped.toLocaleString('en-US')} older rows dropped (the panel keeps the last ${store.cap.toLocaleString('en-US')}; the summary counts them all)`));
}

function fillRow(div: HTMLDivElement, item: TraceItem): void {
  div.hidden = false;
  div.dataset.seq = String(item.seq);
  const time = el('span', 'time', `+${(item.time / 1000).toFixed(3)}`);
  const pid = el('span', 'pid', String(item.pid));
  if (!isRow(item)) {
    div.className = 'row note';
    div.replaceChildren(time, pid, el('span', 'text', item.text));
    return;
  }
  const denied = isDenied(item.kind) && item.applied !== 'unfiltered';
  div.className = `row kind-${item.kind}${denied ? ' denied' : ''}${item.seq === finished?.fatalSeq ? ' fatal' : ''}${item.seq === selectedSeq ? ' selected' : ''}${item.applied === 'permissive' ? ' permissive' : ''}`;
  const text = el('span', 'text', item.text);
  text.title = item.text;
  // Before the filter is installed nothing decides: say so rather than show an action.
  const decision = el('span', 'decision', item.applied === 'unfiltered' ? '' : item.applied === 'permissive' ? `would ${item.action}` : item.action);
  const where = el(item.location ? 'a' : 'span', 'where', whereLabel(item));
  if (item.location) where.title = `Show ${item.where} in the policy`;
  div.replaceChildren(time, pid, text, decision, where);
  if (denied) {
    const fix = el('span', 'fix');
    fix.append(...fixButtons(item));
    div.append(fix);
  }
}

/** `line 7` for a rule of the policy that ran (its name is in the header), the file's name only for an included one. */
function whereLabel(row: TraceRow): string {
  if (row.location?.uri !== header?.policyUri) return row.where;
  return row.where.replace(/^.*:(\d+)/, 'line $1');
}

function itemAtEvent(e: Event): TraceRow | undefined {
  const rowDiv = (e.target as HTMLElement).closest<HTMLElement>('.row');
  const seq = rowDiv?.dataset.seq;
  if (!seq) return undefined;
  const i = view.indexOfSeq(Number(seq));
  const item = i >= 0 ? view.at(i) : undefined;
  return item && isRow(item) && item.seq === Number(seq) ? item : undefined;
}

list.addEventListener('click', (e) => {
  const row = itemAtEvent(e);
  if (!row) return;
  select(row);
});

list.addEventListener('keydown', (e) => {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Enter') return;
  e.preventDefault();
  const at = selectedSeq === undefined ? -1 : view.indexOfSeq(selectedSeq);
  if (e.key === 'Enter') {
    const item = at >= 0 ? view.at(at) : undefined;
    if (item && isRow(item)) select(item);
    return;
  }
  let i = at < 0 ? (e.key === 'ArrowDown' ? 0 : view.length - 1) : at + (e.key === 'ArrowDown' ? 1 : -1);
  while (i >= 0 && i < view.length && !isRow(view.at(i))) i += e.key === 'ArrowDown' ? 1 : -1;
  if (i < 0 || i >= view.length) return;
  selectedSeq = view.at(i).seq;
  ensureVisible(i);
  schedule();
});

function select(row: TraceRow): void {
  selectedSeq = row.seq;
  if (row.location) vscode.postMessage({ type: 'reveal', location: row.location });
  schedule();
}

function ensureVisible(i: number): void {
  const y = (i + markerRows()) * ROW_HEIGHT;
  if (y < list.scrollTop || y + ROW_HEIGHT > list.scrollTop + list.clientHeight) {
    follow = false;
    list.scrollTop = Math.max(0, y - list.clientHeight / 2);
  }
}

function scrollToSeq(seq: number): void {
  view.update();
  let i = view.indexOfSeq(seq);
  if (i < 0 || view.at(i).seq !== seq) {
    // The filter hides it: show everything.
    filter = EMPTY_FILTER;
    textFilter.value = syscallFilter.value = pidFilter.value = '';
    decisionFilter.value = '';
    view.setFilter(filter);
    i = view.indexOfSeq(seq);
  }
  if (i < 0) return;
  const item = view.at(i);
  selectedSeq = item.seq;
  ensureVisible(i);
  if (isRow(item)) select(item);
  schedule();
}

list.addEventListener('scroll', () => {
  follow = list.scrollTop + list.clientHeight >= list.scrollHeight - ROW_HEIGHT;
  schedule();
});
window.addEventListener('resize', schedule);

let summaryKey = '';
function renderSummary(): void {
  // The server's summary at the end; the live one (every row, dropped ones too) until then, or if it sent none.
  const rows: readonly SummaryRow[] = finished && finished.summary.length > 0 ? finished.summary : store.summary();
  // Rebuilding a large table on every frame would cost more than the rows: only when it changed.
  const key = `${rows.length}:${rows.reduce((n, r) => n + r.calls, 0)}:${finished ? 1 : 0}`;
  if (key === summaryKey) return;
  summaryKey = key;
  const table = el('table');
  const head = el('tr');
  for (const h of ['syscall', 'calls', 'errors', 'decisions', 'rule']) head.append(el('th', undefined, h));
  table.append(el('caption', undefined, finished ? 'Summary' : 'Summary so far'), head);
  for (const r of rows.slice(0, 500)) {
    const tr = el('tr', r.denied ? 'denied' : '');
    const name = el('td', 'syscall');
    name.append(button(r.syscall, `Show only ${r.syscall}`, () => {
      syscallFilter.value = r.syscall;
      onFilterInput();
    }, 'link'));
    const decisions = Object.entries(r.decisions).map(([a, n]) => `${a} ${n}`).join(' · ');
    const rule = el('td', 'rule');
    if (r.location) {
      const loc = r.location;
      rule.append(button(`line ${loc.range.start.line + 1}`, 'Show the rule in the policy', () => vscode.postMessage({ type: 'reveal', location: loc }), 'link'));
    }
    tr.append(name, el('td', 'num', String(r.calls)), el('td', 'num', String(r.errors)), el('td', 'decisions', decisions), rule);
    table.append(tr);
  }
  summaryBox.replaceChildren(table);
}

let outputKey = '';
function renderOutput(): void {
  const key = `${stdout.length}:${stderr.length}:${stdout.slice(-32)}${stderr.slice(-32)}`;
  if (key === outputKey) return;
  outputKey = key;
  const out = el('pre', 'stdout', stdout || '(no output)');
  const err = el('pre', 'stderr', stderr);
  outputBox.replaceChildren(el('h3', undefined, 'Program output'), out, ...(stderr ? [el('h3', undefined, 'stderr'), err] : []));
}

// ── start ────────────────────────────────────────────────────────────────

const saved = vscode.getState()?.snapshot;
if (saved) restore(saved);
schedule();
vscode.postMessage({ type: 'ready' });
