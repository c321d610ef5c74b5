// A node:test reporter that only counts results and writes them to its destination
// as one JSON line, so scripts/test.mjs can print one closing line for all suites.
export default async function* countReporter(source) {
  let passed = 0, failed = 0, skipped = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    // Only leaf tests count (suites report too, with nesting below their children).
    if (event.data.details?.type === 'suite') continue;
    if (event.type === 'test:fail') failed++;
    else if (event.data.skip || event.data.todo) skipped++;
    else passed++;
  }
  yield JSON.stringify({ passed, failed, skipped }) + '\n';
}
