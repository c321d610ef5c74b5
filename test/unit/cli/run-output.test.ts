/** `run -o FILE` whose file fails during the run (a full disk): one message after the run, never a stack trace. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LineSink } from '../../../server/src/cli/commands/run';
import { locateHelper } from '../../../server/src/driver/helper';
import { runCli, tempFiles } from '../../helpers/cli';

const noFullDevice = !existsSync('/dev/full') && 'no /dev/full';

test('a trace file that cannot be written stops being written and is reported once', { skip: noFullDevice }, () => {
  const errors: string[] = [];
  const sink = new LineSink({ out: () => {}, err: (t) => errors.push(t) }, '/dev/full');
  sink.push('read(0, "", 1) = 0');
  assert.doesNotThrow(() => sink.flush());
  sink.push('exit_group(0) = ?');
  assert.doesNotThrow(() => sink.close());
  assert.equal(sink.reportFailure('run'), true);
  assert.deepEqual(errors, ['seccomp-policy run: cannot write /dev/full: no space left on the device; the trace in it is incomplete']);
});

test('run -o /dev/full: the program runs, then one line says the trace is incomplete, exit 2 as for a file that cannot be opened', {
  skip: noFullDevice || (!locateHelper().ok && 'no trace helper (make -C native)'),
}, async () => {
  const dir = tempFiles({ 'p.seccomp': 'default allow\n' });
  const r = await runCli(['run', join(dir, 'p.seccomp'), '-o', '/dev/full', '--', '/bin/true']);
  assert.equal(r.err, 'seccomp-policy run: cannot write /dev/full: no space left on the device; the trace in it is incomplete');
  assert.equal(r.code, 2);
});
