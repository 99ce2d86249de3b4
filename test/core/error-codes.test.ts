import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_STATUS, statusOf } from '../../src/core/error-codes.js';
import { CallstatsError } from '../../src/core/errors.js';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');
/** Codes of other libraries that src/ compares against, never raises. */
const FOREIGN = new Set([
  'ERR_HTTP_REQUEST_TIMEOUT',
  // node:util parseArgs
  'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
  'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL',
  'ERR_PARSE_ARGS_UNKNOWN_OPTION',
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

const used = new Set(
  sourceFiles(SRC).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/['"`](ERR_[A-Z0-9_]+)['"`]/g)].map((m) => m[1])),
);

test('every ERR_* code used in src/ has a row in the one status table (core/error-codes.ts)', () => {
  const missing = [...used].filter((c) => !FOREIGN.has(c) && !(c in ERROR_STATUS)).sort();
  assert.deepEqual(missing, []);
});

test('every row of the status table is a code src/ raises, with a real HTTP error status', () => {
  assert.deepEqual(
    Object.keys(ERROR_STATUS).filter((c) => !used.has(c)),
    [],
  );
  for (const [code, status] of Object.entries(ERROR_STATUS)) {
    if (status === 'upstream') continue;
    assert.ok(status >= 400 && STATUS_CODES[status] !== undefined, `${code}: ${status}`);
  }
});

test('an error takes its status from the table; a forwarded one keeps the status it came with', () => {
  assert.equal(new CallstatsError('ERR_STORE_FULL', 'store out of disk space').status, 507);
  assert.equal(new CallstatsError('ERR_FILTER_UNKNOWN_OP', 'invalid query').status, 400);
  assert.equal(new CallstatsError('ERR_REMOTE', 'forbidden', {}, 403).status, 403);
  assert.equal(statusOf('ERR_REQUEST'), 500);
});
