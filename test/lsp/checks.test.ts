// The server's checks in steps (#14), over a stand-in service: a check
// resolves with the version it analysed, stops when the document moves on,
// is shared by callers of the same version, and reports a failure instead
// of hiding it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Checks } from '../../server/src/lsp/checks';
import type { PolicyDocument, PolicyService } from '../../server/src/service/service';

function setup(steps: (doc: PolicyDocument) => Generator<void, unknown>) {
  const state = { doc: { uri: 'u', path: '/u', version: 1, text: 'a' } as PolicyDocument, started: 0, errors: [] as unknown[] };
  const service = {
    *analyzeInSteps(doc: PolicyDocument) {
      state.started++;
      return yield* steps(doc);
    },
  } as unknown as PolicyService;
  const checks = new Checks(service, () => state.doc, (_uri, e) => state.errors.push(e));
  return { checks, state };
}

function* threeSteps(): Generator<void, unknown> {
  yield;
  yield;
  return {};
}

test('a check resolves with the version it analysed; a second caller of that version shares it', async () => {
  const { checks, state } = setup(threeSteps);
  const a = checks.run('u');
  const b = checks.run('u');
  assert.equal(checks.isRunning(state.doc), true);
  assert.equal((await a)?.version, 1);
  assert.equal(await b, await a);
  assert.equal(state.started, 1);
  assert.equal(checks.isRunning(state.doc), false);
});

test('a check whose document changed between steps resolves with nothing', async () => {
  const { checks, state } = setup(threeSteps);
  const a = checks.run('u');
  await new Promise((r) => setImmediate(r));
  state.doc = { ...state.doc, version: 2, text: 'b' };
  assert.equal(await a, undefined);
});

test('a cancelled check resolves with nothing; the next run starts afresh', async () => {
  const { checks, state } = setup(threeSteps);
  const a = checks.run('u');
  checks.cancel('u');
  assert.equal(await a, undefined);
  assert.equal((await checks.run('u'))?.version, 1);
  // The cancelled check never ran a step.
  assert.equal(state.started, 1);
});

test('an analysis that throws is reported, and the caller gets the document to fail on where the user sees it', async () => {
  const { checks, state } = setup(function* () {
    yield;
    throw new RangeError('Maximum call stack size exceeded');
  });
  assert.equal((await checks.run('u'))?.version, 1);
  assert.match(String(state.errors[0]), /Maximum call stack/);
});
