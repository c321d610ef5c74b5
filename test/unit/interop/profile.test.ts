/** Reading a Docker/OCI profile: JSON with positions, and the shape of a seccomp profile. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readProfile } from '../../../server/src/interop/profile';

function error(text: string): string {
  const r = readProfile(text);
  assert.ok(!r.ok, 'expected an error');
  return r.error;
}

test('profile: not valid JSON says the line and column of the first problem', () => {
  assert.equal(error('{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [\n    { "names": ["read"] "action": "SCMP_ACT_ERRNO" }\n  ]\n}'),
    'not valid JSON at line 4 column 25: expected \',\' or \'}\', found \'"\'');
  assert.equal(error('{"defaultAction": "SCMP_ACT_ALLOW",}'), 'not valid JSON at line 1 column 36: expected a property name in double quotes, found \'}\'');
  assert.equal(error('{"defaultAction": "SCMP_ACT_ALLOW"'), 'not valid JSON at line 1 column 35: expected \',\' or \'}\', found the end of the file');
  assert.equal(error(''), 'not valid JSON at line 1 column 1: unexpected end of the file');
});

test('profile: not a seccomp profile names the field, what it must be, and where it is', () => {
  const text = [
    '{',
    '  "defaultAction": "SCMP_ACT_ERRNO",',
    '  "syscalls": [',
    '    { "names": ["read"], "action": "SCMP_ACT_ALLOW" },',
    '    { "names": ["write"], "action": "SCMP_ACT_ALLOW" },',
    '    { "names": ["close"], "action": "SCMP_ACT_ALLOW" },',
    '    { "names": ["open"], "action": "ALLOW" }',
    '  ]',
    '}',
  ].join('\n');
  assert.equal(error(text), 'not a seccomp profile: `syscalls[3].action` must be one of SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, ' +
    'SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY (found "ALLOW") (line 7 column 36)');
  assert.equal(error('[]'), 'not a seccomp profile: the document must be a JSON object (line 1 column 1)');
  assert.match(error('{"syscalls": []}'), /`defaultAction` is missing/);
  assert.match(error('{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]}'),
    /`syscalls\[0\]\.args\[0\]\.index` must be a whole number from 0 to 5/);
  assert.match(error('{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": -1, "op": "SCMP_CMP_EQ"}]}]}'),
    /`syscalls\[0\]\.args\[0\]\.value` must be a whole number from 0 to 18446744073709551615/);
  assert.match(error('{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "EQ"}]}]}'),
    /`syscalls\[0\]\.args\[0\]\.op` must be one of SCMP_CMP_NE/);
  assert.match(error('{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [], "action": "SCMP_ACT_ERRNO"}]}'), /`syscalls\[0\]\.names` must list at least one syscall/);
  assert.match(error('{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1}]}'),
    /`syscalls\[0\]\.errnoRet` is only for SCMP_ACT_ERRNO and SCMP_ACT_TRACE/);
  assert.match(error('{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"], "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]}'), /`architectures` or `archMap`, not both/);
});

test('profile: 64-bit values keep every bit, `name` and null fields are accepted as Docker accepts them', () => {
  const r = readProfile('{"defaultAction":"SCMP_ACT_ALLOW","archMap":null,"syscalls":[{"name":"lseek","action":"SCMP_ACT_ERRNO","errnoRet":5,' +
    '"args":[{"index":1,"value":18446744073709551615,"valueTwo":0,"op":"SCMP_CMP_EQ"}],"includes":{},"excludes":null,"comment":"x"}]}');
  assert.ok(r.ok);
  const s = r.profile.syscalls[0]!;
  assert.deepEqual([s.names, s.errnoRet, s.args[0]!.value, s.comment], [['lseek'], 5, 0xffff_ffff_ffff_ffffn, 'x']);
});
