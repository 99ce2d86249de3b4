import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const STORE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'store');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

test('the store layer reads no settings: no file of src/store calls loadConfig or reads process.env', () => {
  const readers = sourceFiles(STORE)
    .filter((f) => /\bloadConfig\s*\(|\bprocess\.env\b/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(STORE, f));
  assert.deepEqual(readers, []);
});
