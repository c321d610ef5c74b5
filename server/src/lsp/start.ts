/**
 * The language server's process entry (dist/server.js): runs the server's
 * bundle (dist/server-main.js, built from main.ts) through V8's code cache
 * (driver/codeCache.ts), so a start compiles little of it. Kept apart from
 * main.ts so that this file's bundle stays a few kilobytes: a process
 * compiles all of it before the cache is read.
 */
import { join } from 'node:path';
import { requireWithCodeCache } from '../driver/codeCache';

requireWithCodeCache(join(__dirname, 'server-main.js'));
