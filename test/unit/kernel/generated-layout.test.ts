/**
 * The committed layout table (kernel/generated/arg-layout.ts) is what the
 * generator's rules (scripts/kernel/abi-layout.mjs) give for the committed
 * signatures and numbers: nobody edited it by hand, and nobody changed a
 * rule without regenerating. (The generator itself checks the rules against
 * the kernel's sources when it runs.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ABI_NAMES } from '../../../server/src/kernel/abi';
import { allSyscalls } from '../../../server/src/kernel/syscalls';
import { ARG_LAYOUTS } from '../../../server/src/kernel/generated/arg-layout';
// @ts-expect-error: a plain JavaScript module of the generator, without type declarations
import { layoutFor } from '../../../scripts/kernel/abi-layout.mjs';

type Place = number | readonly [number, number] | null;
const rules = layoutFor as (sig: { name: string; args: { name: string; type: string }[] }, abi: string) => { places: Place[]; reasons: (string | null)[] } | undefined;

test('arg-layout.ts is the generator\'s output for every syscall and ABI', () => {
  const committed = new Map(ARG_LAYOUTS.map(([name, abi, places, reasons]) => [`${name}/${abi}`, { places, reasons }]));
  let rows = 0;
  for (const s of allSyscalls()) {
    for (const abi of ABI_NAMES) {
      if (s.numbers[abi] === undefined) continue;
      const want = rules({ name: s.name, args: s.args.map((a) => ({ name: a.name, type: a.type })) }, abi);
      const got = committed.get(`${s.name}/${abi}`);
      if (!want) { assert.equal(got, undefined, `${s.name} on ${abi}: committed row the rules do not give`); continue; }
      rows++;
      assert.deepEqual(got?.places, want.places, `${s.name} on ${abi}`);
      if (want.reasons.some((r) => r !== null)) assert.deepEqual(got?.reasons, want.reasons, `${s.name} on ${abi}: reasons`);
    }
  }
  assert.equal(rows, ARG_LAYOUTS.length);
});
