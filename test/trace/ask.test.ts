/**
 * Ask mode: the compiler's `notifyUnlessAllowed` program, the questions and
 * their keys (trace/ask.ts), the answers file, the "allow always" edit of the
 * policy file, and `seccomp-policy run --ask --ask-answers FILE` through the
 * built CLI on test/native/c/ask-prog.c (getpid, mkdir twice, uname): each
 * answer seen in what the program printed and in the policy file afterwards.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProgram } from '../../server/src/bpf/interpreter';
import { compilePolicy, type CompiledProgram } from '../../server/src/compiler/compile';
import { checkPolicyText } from '../../server/src/driver/policy';
import { addAllowRule, allowRuleEdit, AskRun } from '../../server/src/driver/ask';
import { PanelAnswerer } from '../../server/src/lsp/askPanel';
import type { RunAnswerResult, RunAskParams } from '../../server/src/lsp/ext';
import { SECCOMP_RET_ALLOW, SECCOMP_RET_USER_NOTIF } from '../../server/src/kernel/seccomp';
import { AnswerSyntaxError, answerLine, AskPolicy, parseAnswer, ScriptedAnswers, type AskEvent } from '../../server/src/trace/ask';
import { ROOT, cli, policyFile, prepare, skipReason, work } from './harness';
import { askProg } from '../native/harness';
import { randomEvents, randomPolicy } from '../helpers/random-policy';
import { Random, seedFromEnv } from '../helpers/random';
import { actionOf } from '../../server/src/kernel/seccomp';

const X86_64 = 0xc000003e;
const I386 = 0x40000003;
const NR = { getpid: 39, mkdirat: 258, uname: 63, openat: 257 };
const host = { readFile: () => ({ error: 'no includes here' }) };

const POLICY = 'default errno(EPERM)\nallow getpid\nkill uname\nallow mkdirat if mode == 0o700\n';

function loaded(text: string) {
  const l = checkPolicyText('/p.seccomp', text, host);
  assert.equal(l.errors.length, 0, JSON.stringify(l.errors));
  return l;
}

function ask(nr: number, args: string[], abi = X86_64): AskEvent {
  return { type: 'ask', id: '17', pid: 100, abi, nr, args: [...args, '0x0', '0x0', '0x0', '0x0', '0x0', '0x0'].slice(0, 6), ip: '0x401000' };
}

describe('the ask program (compile notifyUnlessAllowed)', () => {
  test('every call the policy does not let run returns USER_NOTIF; allowed ones stay allowed', () => {
    const l = loaded(POLICY);
    const r = compilePolicy(l.model, { notifyUnlessAllowed: true });
    assert.ok(r.ok);
    const run = (nr: number, arch: number, args: bigint[] = []) => runProgram(r.program.instructions, { nr, arch, instructionPointer: 0n, args }).action >>> 0;
    assert.equal(run(NR.getpid, X86_64), SECCOMP_RET_ALLOW);
    assert.equal(run(NR.mkdirat, X86_64, [0n, 0n, 0o700n]), SECCOMP_RET_ALLOW);
    assert.equal(run(NR.mkdirat, X86_64, [0n, 0n, 0o755n]), SECCOMP_RET_USER_NOTIF, 'errno default');
    assert.equal(run(NR.uname, X86_64), SECCOMP_RET_USER_NOTIF, 'kill rule');
    assert.equal(run(NR.openat, X86_64), SECCOMP_RET_USER_NOTIF, 'default');
    assert.equal(run(20, I386), SECCOMP_RET_USER_NOTIF, 'badarch');
    // The normal program is unchanged.
    const normal = l.program!;
    assert.notEqual(runProgram(normal.instructions, { nr: NR.uname, arch: X86_64, instructionPointer: 0n, args: [] }).action >>> 0, SECCOMP_RET_USER_NOTIF);
  });
});

test('on random policies and events the ask program notifies exactly where the normal one does not let the call run', () => {
  const seed = seedFromEnv();
  const r = new Random(seed);
  let policies = 0;
  while (policies < 100) {
    const { text } = randomPolicy(r);
    const l = checkPolicyText('/r.seccomp', text, host);
    if (l.errors.length || !l.program) continue;
    const program: CompiledProgram = l.program;
    policies++;
    const askProgram = compilePolicy(l.model, { abis: program.abis, notifyUnlessAllowed: true });
    assert.ok(askProgram.ok, `seed ${seed}`);
    for (const e of randomEvents(r, l.model, 40)) {
      const data = { nr: e.nr, arch: e.arch, instructionPointer: 0n, args: e.args };
      const normal: string = actionOf(runProgram(program.instructions, data).action >>> 0).effective;
      const asked: number = runProgram(askProgram.program.instructions, data).action >>> 0;
      const runs: boolean = normal === 'allow' || normal === 'log';
      assert.equal(asked === SECCOMP_RET_USER_NOTIF, !runs, `seed ${seed}: ${normal} on ${JSON.stringify(data, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v))}\n${text}`);
      if (runs) assert.equal(asked, runProgram(program.instructions, data).action >>> 0);
    }
  }
});

describe('questions', () => {
  const l = loaded(POLICY);
  const policy = new AskPolicy(l.program!, l.model);

  test('the key holds the syscall and the words the filter read, never other registers', () => {
    const a = policy.question(ask(NR.mkdirat, ['0xffffff9c', '0x7ffd0000', '0x1ed']));
    const b = policy.question(ask(NR.mkdirat, ['0x3', '0x7ffe1234', '0x1ed', '0x99']));
    const c = policy.question(ask(NR.mkdirat, ['0xffffff9c', '0x7ffd0000', '0x1c9']));
    assert.equal(a.key, b.key, 'dirfd and the path pointer are not read by the filter');
    assert.notEqual(a.key, c.key);
    assert.deepEqual(a.decidedOn, [{ index: 2, name: 'mode', literal: '0o755' }]);
    assert.deepEqual(a.readRegisters, [2]);
    assert.equal(a.action, 'errno(EPERM)');
    assert.equal(a.where, '/p.seccomp:1 (default)');
    assert.equal(a.call, 'mkdirat(dirfd=-100, pathname=0x7ffd0000, mode=0o755)');
    const u1 = policy.question(ask(NR.uname, ['0x7ffd0000']));
    const u2 = policy.question(ask(NR.uname, ['0x1234']));
    assert.equal(u1.key, u2.key);
    assert.deepEqual(u1.decidedOn, []);
    assert.equal(u1.action, 'kill_process');
    assert.equal(u1.where, '/p.seccomp:3');
  });

  test('answers are remembered per key', () => {
    const p = new AskPolicy(l.program!, l.model);
    const q = p.question(ask(NR.uname, ['0x1']));
    assert.equal(p.remembered(q), undefined);
    p.remember(q, { kind: 'deny', errno: 13 });
    assert.deepEqual(p.remembered(p.question(ask(NR.uname, ['0x2']))), { kind: 'deny', errno: 13 });
    assert.equal(p.remembered(p.question(ask(NR.mkdirat, ['0x0', '0x0', '0x1ed']))), undefined);
  });

  test('answer lines for the helper', () => {
    assert.equal(answerLine('5', { kind: 'allow' }), '5 allow\n');
    assert.equal(answerLine('5', { kind: 'always' }), '5 allow\n');
    assert.equal(answerLine('18446744073709551615', { kind: 'deny', errno: 13 }), '18446744073709551615 errno 13\n');
    assert.equal(answerLine('5', { kind: 'kill' }), '5 kill\n');
  });
});

describe('answers as text', () => {
  test('the prompt\'s answers and their short forms', () => {
    assert.deepEqual(parseAnswer('a'), { kind: 'allow' });
    assert.deepEqual(parseAnswer(' always '), { kind: 'always' });
    assert.deepEqual(parseAnswer('w'), { kind: 'always' });
    assert.deepEqual(parseAnswer('d'), { kind: 'deny', errno: 1 });
    assert.deepEqual(parseAnswer('deny EACCES'), { kind: 'deny', errno: 13 });
    assert.deepEqual(parseAnswer('d enoent'), { kind: 'deny', errno: 2 });
    assert.deepEqual(parseAnswer('deny 38'), { kind: 'deny', errno: 38 });
    assert.deepEqual(parseAnswer('k'), { kind: 'kill' });
    for (const bad of ['', 'yes', 'deny EWHAT', 'deny 0', 'deny 4096', 'kill now', 'deny EPERM x']) {
      assert.throws(() => parseAnswer(bad), AnswerSyntaxError, bad);
    }
  });

  test('an answers file: per syscall, * for the rest, comments; mistakes name their line', () => {
    const s = ScriptedAnswers.parse('# answers\ngetpid allow\nmkdirat deny EACCES  # no\n\n* kill\n');
    assert.deepEqual(s.answerFor({ syscall: 'getpid' }), { kind: 'allow' });
    assert.deepEqual(s.answerFor({ syscall: 'mkdirat' }), { kind: 'deny', errno: 13 });
    assert.deepEqual(s.answerFor({ syscall: 'uname' }), { kind: 'kill' });
    assert.equal(ScriptedAnswers.parse('getpid allow\n').answerFor({ syscall: 'uname' }), undefined);
    assert.throws(() => ScriptedAnswers.parse('getpid allow\nnosuchcall allow\n'), /line 2: unknown syscall 'nosuchcall'/);
    assert.throws(() => ScriptedAnswers.parse('getpid\n'), /line 1: expected 'SYSCALL ANSWER'/);
    assert.throws(() => ScriptedAnswers.parse('getpid allow\ngetpid kill\n'), /line 2: a second answer for 'getpid'/);
    assert.throws(() => ScriptedAnswers.parse('getpid maybe\n'), /line 1: 'maybe' is not an answer/);
  });
});

describe('allow always: the policy file', () => {
  test('a rule on the arguments the filter read, or the whole syscall; added once', () => {
    const path = policyFile(POLICY, 'always.seccomp');
    const l = loaded(POLICY);
    const policy = new AskPolicy(l.program!, l.model);
    assert.deepEqual(addAllowRule(path, policy.question(ask(NR.mkdirat, ['0xffffff9c', '0x7ffd0000', '0x1ed']))), { added: 'allow mkdirat if mode == 0o755' });
    assert.deepEqual(addAllowRule(path, policy.question(ask(NR.uname, ['0x7ffd0000']))), { added: 'allow uname' });
    const text = readFileSync(path, 'utf8');
    assert.match(text, /^allow mkdirat if mode == 0o755\nallow mkdirat if mode == 0o700$/m);
    assert.match(text, /^allow getpid, uname\nkill uname$/m, 'joins the allow list that comes first');
    assert.equal(checkPolicyText(path, text, host).errors.length, 0);
    assert.ok('unchanged' in addAllowRule(path, policy.question(ask(NR.uname, ['0x1']))));
  });
});

// ---- the CLI on a real program ------------------------------------------------------------


/** Everything a dynamic C program's start-up needs is asked too; `* allow` answers it. */
const RUN_POLICY = 'default kill_process\nallow mkdirat if mode == 0o700\n';

describe('run --ask with scripted answers', { skip: skipReason }, () => {
  before(() => prepare());

  const runAsk = (answers: string) => {
    const dir = mkdtempSync(join(work(), 'ask-run-'));
    const policy = policyFile(RUN_POLICY);
    const file = policyFile(answers, `answers-${Math.random().toString(36).slice(2)}.txt`);
    const r = cli(['run', policy, '--ask', '--ask-answers', file, '--', askProg(), dir]);
    return { ...r, dir, policy: readFileSync(policy, 'utf8') };
  };

  test('allow always adds the rule; deny fails the call with the errno; allow once changes nothing', () => {
    const r = runAsk('getpid always\nmkdirat deny EACCES\nuname allow\n* allow\n');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'getpid: ok\ngetpid again: ok\nmkdir 0700: ok\nmkdir 0755: error EACCES\nuname: ok\nend\n');
    assert.equal(existsSync(join(r.dir, 'a')), true, 'mkdir 0700 is allowed by the policy itself');
    assert.equal(r.policy, 'default kill_process\nallow mkdirat if mode == 0o700\nallow getpid\n');
    // Each question once: the second getpid was answered from memory.
    assert.equal(r.stderr.match(/^ask: pid \d+ getpid\(\): policy kill_process \(\S+:1 \(default\)\) -> always$/gm)?.length, 1, r.stderr);
    assert.match(r.stderr, /^ask: pid \d+ mkdirat\(dirfd=-100, pathname=0x[0-9a-f]+, mode=0o755\): policy kill_process \(\S+:1 \(default\)\) -> deny EACCES$/m);
    assert.match(r.stderr, /^ask: added to \S+: allow getpid$/m);
    assert.match(r.stderr, /^ask: \d+ calls answered, \d+ questions asked; 1 rule added to /m);
  });

  test('always on a call whose arguments the policy reads adds a conditioned rule; kill ends the program', () => {
    const r = runAsk('getpid allow\nmkdirat always\nuname kill\n* allow\n');
    assert.equal(r.status, 137, r.stderr);
    assert.equal(r.stdout, 'getpid: ok\ngetpid again: ok\nmkdir 0700: ok\nmkdir 0755: error EEXIST\n');
    assert.equal(r.policy, 'default kill_process\nallow mkdirat if mode == 0o755\nallow mkdirat if mode == 0o700\n');
    assert.match(r.stderr, /-> kill$/m);
  });

  test('a call the answers file has no line for kills the program and says which', () => {
    const r = runAsk('getpid allow\n');
    assert.equal(r.status, 137);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /has no answer for `\w+` \(and no '\*' line\); killed the program/);
    assert.equal(r.policy, RUN_POLICY);
  });

  test('options that need tracing are usage errors with --ask; a bad answers file is named', () => {
    const policy = policyFile(RUN_POLICY);
    const p = cli(['run', policy, '--ask', '--permissive', '--', '/bin/true']);
    assert.equal(p.status, 2);
    assert.match(p.stderr, /--permissive does not apply/);
    const bad = policyFile('getpid sometimes\n', 'bad-answers.txt');
    const b = cli(['run', policy, '--ask-answers', bad, '--', '/bin/true']);
    assert.equal(b.status, 2);
    assert.match(b.stderr, /bad-answers\.txt: line 1: 'sometimes' is not an answer/);
  });
});

// ---- the panel's side: PanelAnswerer over a real run --------------------------------------

describe('the trace panel\'s answerer (lsp/askPanel.ts)', { skip: skipReason }, () => {
  before(() => prepare());

  test('questions go out as runAsk; runAnswer answers them, always with the edit; the run obeys', async () => {
    const dir = mkdtempSync(join(work(), 'ask-panel-'));
    const text = 'default allow\nkill getpid\nerrno(EPERM) mkdirat if mode == 0o755\nkill uname\n';
    const path = policyFile(text);
    const l = checkPolicyText(path, text, host);
    const sent: RunAskParams[] = [];
    const panel: PanelAnswerer = new PanelAnswerer('run-1', {
      send: (p) => {
        sent.push(p);
        // The panel answers a moment later, as a user would.
        const answer = p.syscall === 'getpid' ? { answer: 'allow' as const } : p.syscall === 'mkdirat' ? { answer: 'always' as const } : { answer: 'deny' as const, errno: 13 };
        setImmediate(() => { results.push(panel.receive({ runId: 'run-1', questionId: p.questionId, ...answer })); });
      },
      allowEdit: (q) => allowRuleEdit({ model: l.model, diagnostics: [] }, { uri: 'file:///p', path, version: 1, text }, q) ?? { message: 'already allowed' },
    });
    const results: RunAnswerResult[] = [];
    let output = '';
    const run = new AskRun({
      helper: join(ROOT, 'native', 'build', 'seccomp-run'), command: [askProg(), dir], policyPath: path, model: l.model, program: l.program!,
      answerer: panel, addRule: (q) => panel.addRule(q), programStdio: 'capture',
      onOutput: (_s, t) => { output += t; },
    });
    const r = await run.finished;
    assert.equal(r.done?.status, 0, JSON.stringify(r));
    assert.equal(output, 'getpid: ok\ngetpid again: ok\nmkdir 0700: ok\nmkdir 0755: error EEXIST\nuname: error EACCES\nend\n');
    assert.deepEqual(sent.map((p) => [p.syscall, p.action, p.decidedOn]), [
      ['getpid', 'kill_process', []],
      ['mkdirat', 'errno(EPERM)', [{ name: 'mode', value: '0o755' }]],
      ['uname', 'kill_process', []],
    ]);
    assert.equal(r.questions, 3);
    assert.equal(r.calls, 4);
    assert.ok(results.every((x) => x.accepted));
    const always = results[1]!;
    assert.equal(always.message, 'allow mkdirat if mode == 0o755');
    assert.ok(always.edit?.changes?.['file:///p']?.length);
    assert.equal(readFileSync(path, 'utf8'), text, 'the server leaves the file to the client');
    assert.deepEqual(panel.receive({ runId: 'run-1', questionId: sent[0]!.questionId, answer: 'allow' }).accepted, false);
  });

  test('closing drops open questions: the run kills what still waits', async () => {
    const panel = new PanelAnswerer('r', { send: () => {}, allowEdit: () => ({ message: '' }) });
    const l = loaded(POLICY);
    const q = new AskPolicy(l.program!, l.model).question(ask(NR.uname, ['0x1']));
    const pending = panel.answer(q);
    panel.close();
    assert.equal(await pending, undefined);
    assert.equal(await panel.answer(q), undefined);
    assert.equal(panel.receive({ runId: 'r', questionId: '1', answer: 'deny', errno: 0 }).accepted, false);
  });
});
