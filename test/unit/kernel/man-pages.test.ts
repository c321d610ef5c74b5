/** Every man-page link points at a page man7.org has (the list kept in kernel/docs/man2-pages.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allSyscalls, getSyscall } from '../../../server/src/kernel/syscalls';
import { MAN2_PAGES } from '../../../server/src/kernel/docs/man2-pages';
import { hasMan2Page, manPageOf } from '../../../server/src/kernel/docs/man-pages';
import { fixture } from '../service/helpers';

const PAGES = new Map(MAN2_PAGES.map((p) => [p[0], p[1]]));

test('the page list has the pages and aliases of the man-pages project', () => {
  assert.ok(MAN2_PAGES.length > 450);
  assert.equal(PAGES.get('openat'), 'open(2)');
  assert.equal(PAGES.get('open'), undefined);
  assert.ok(PAGES.has('open'));
  assert.ok(!PAGES.has('clock_gettime64') && !PAGES.has('uprobe') && !PAGES.has('rseq'));
});

test('each syscall links a page that exists, or none', () => {
  for (const s of allSyscalls()) {
    if (s.manPage === undefined) continue;
    const m = /^https:\/\/man7\.org\/linux\/man-pages\/man2\/([^/]+)\.2\.html$/.exec(s.manPage);
    assert.ok(m, `${s.name}: ${s.manPage}`);
    assert.ok(hasMan2Page(m[1]!) && PAGES.has(m[1]!), `${s.name} links ${s.manPage}, not a page of the list`);
  }
});

test('variants and aliases link the page that documents them; calls with no page link none', () => {
  assert.equal(getSyscall('clock_gettime64')!.manPage, 'https://man7.org/linux/man-pages/man2/clock_gettime.2.html');
  assert.equal(manPageOf('clock_gettime64')!.title, 'clock_gettime(2)');
  assert.equal(manPageOf('futex_time64')!.title, 'futex(2)');
  assert.equal(manPageOf('openat')!.title, 'openat(2)');
  assert.equal(manPageOf('read')!.title, 'read(2)');
  assert.equal(manPageOf('pselect6_time64')!.title, 'pselect6(2)');
  for (const none of ['uprobe', 'uretprobe', 'rseq', 'futex_wait', 'futex_waitv', 'futex_wake', 'futex_requeue', 'listns', 'set_tls', 'io_pgetevents_time64']) {
    if (getSyscall(none)) assert.equal(getSyscall(none)!.manPage, undefined, none);
    assert.equal(manPageOf(none), undefined, none);
  }
});

test('the syscall hover links the documenting page, and no page when there is none', () => {
  const hover = (input: string) => {
    const f = fixture(input);
    const h = f.service.doHover(f.doc, f.position);
    return h ? (h.contents as { value: string }).value : '';
  };
  assert.match(hover('arch i386\ndefault allow\nallow clock_get|time64\n'), /\[clock_gettime\(2\)\]\(https:\/\/man7\.org\/linux\/man-pages\/man2\/clock_gettime\.2\.html\)/);
  const rseq = hover('default allow\nallow rs|eq\n');
  assert.match(rseq, /rseq/);
  assert.doesNotMatch(rseq, /man7\.org/);
});
