/**
 * Typed access to mocha's `tdd` interface (suite/test/suiteSetup…), which
 * mocha installs as globals just before it loads each test file. Looked up
 * at call time, so this module has no dependency on mocha's typings.
 */
export interface TestContext {
  timeout(ms: number): void;
}
type Body = (this: TestContext) => void | Promise<void>;

interface TddGlobals {
  suite(title: string, fn: () => void): void;
  test(title: string, fn: Body): void;
  suiteSetup(fn: Body): void;
  suiteTeardown(fn: Body): void;
  setup(fn: Body): void;
  teardown(fn: Body): void;
}

function tdd(): TddGlobals {
  const g = globalThis as unknown as Partial<TddGlobals>;
  if (typeof g.suite !== 'function') throw new Error('mocha tdd globals are missing: load this file through mocha (ui: tdd)');
  return g as TddGlobals;
}

export const suite = (title: string, fn: () => void): void => tdd().suite(title, fn);
export const test = (title: string, fn: Body): void => tdd().test(title, fn);
export const suiteSetup = (fn: Body): void => tdd().suiteSetup(fn);
export const suiteTeardown = (fn: Body): void => tdd().suiteTeardown(fn);
export const setup = (fn: Body): void => tdd().setup(fn);
export const teardown = (fn: Body): void => tdd().teardown(fn);
