// A node:test reporter that only counts results, and keeps each skip's name,
// file and reason, writing them to its destination as one JSON line, so
// scripts/test.mjs can print one closing line for all suites and list the skips.
export default async function* countReporter(source) {
  let passed = 0, failed = 0, skipped = 0;
  const skips = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    // Only leaf tests count (suites report too, with nesting below their children).
    if (event.data.details?.type === 'suite') continue;
    if (event.type === 'test:fail') failed++;
    else if (event.data.skip || event.data.todo) {
      skipped++;
      const reason = typeof event.data.skip === 'string' ? event.data.skip : typeof event.data.todo === 'string' ? `todo: ${event.data.todo}` : 'no reason given';
      skips.push({ name: event.data.name, file: event.data.file ?? '', reason });
    } else passed++;
  }
  yield JSON.stringify({ passed, failed, skipped, skips }) + '\n';
}
