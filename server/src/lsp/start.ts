/**
 * The language server's process entry (dist/server.js): runs the server's
 * bundle (dist/server-main.js, built from main.ts) through V8's code cache
 * (driver/codeCache.ts), so a start compiles little of it. Kept apart from
 * main.ts so that this file's bundle stays a few kilobytes: a process
 * compiles all of it before the cache is read.
 */
import { join } from 'node:path';
import { requireWithCodeCache } from '../driver/codeCache';

/**
 * A function is optimised (TurboFan, on background threads) after it has
 * run 8 times longer than V8's default budget (67,584). The first check of
 * a large policy otherwise sends most of the checker to TurboFan while it
 * runs once: about 120 ms of compiling (measured with
 * --no-concurrent-recompilation), which on a busy machine (an editor
 * starting) takes the CPU from the check itself. With the larger budget the
 * 10,000-line policy's first diagnostics came ~150 ms sooner under load
 * (bench/lsp.mjs, load average 5-6), for ~10 ms more work on the main
 * thread; the functions that stay hot (edits, bursts) are optimised all the
 * same, a few checks later. Set before the bundle runs: the budget is read
 * as each function's feedback is made.
 */
const V8_FLAGS = ['--interrupt-budget=540672'];

requireWithCodeCache(join(__dirname, 'server-main.js'), V8_FLAGS);
