import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/**
 * The folders of src/, top to bottom (STYLE.md: cli/api → report → query/sql → store →
 * core/time). A file may import from its own folder and from folders in lower tiers only;
 * folders of one tier do not import each other, so no two folders can depend on each other.
 */
const TIERS: readonly (readonly string[])[] = [
  ['cli'],
  ['api'],
  // feeds (AMQP consumer, crossbar pull) store through ingest's one CDR mapping, so they sit above it.
  ['feeds'],
  ['report', 'ingest', 'demo'],
  ['sql', 'accounts'],
  ['query', 'zones'],
  ['store'],
  ['core', 'time'],
  // The browser page talks to the server over HTTP only: it imports no server code.
  ['web'],
];

function tierOf(folder: string): number {
  const i = TIERS.findIndex((t) => t.includes(folder));
  assert.notEqual(i, -1, `src/${folder}/ is in no tier of test/architecture/layers.test.ts`);
  return i;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every relative module specifier of a file: `import … from`, `export … from`, `import(…)`. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'(\.[^']*)'/gm)) found.push(m[1]);
  return found;
}

/** `from → to` for every import that crosses folders against the tier order. */
export function layerViolations(files: { path: string; text: string }[]): string[] {
  const bad: string[] = [];
  for (const { path, text } of files) {
    const from = path.split('/')[0];
    for (const spec of specifiers(text)) {
      const target = posix.normalize(posix.join(posix.dirname(path), spec));
      if (target.startsWith('..')) continue; // outside src/ (package.json)
      const to = target.split('/')[0];
      if (to === from) continue;
      if (tierOf(from) >= tierOf(to)) bad.push(`src/${path} imports src/${target} (${from} → ${to})`);
    }
  }
  return bad;
}

function srcFiles(): { path: string; text: string }[] {
  return sourceFiles(SRC).map((f) => ({ path: relative(SRC, f).split(sep).join('/'), text: readFileSync(f, 'utf8') }));
}

test('every folder of src/ has a tier', () => {
  const folders = readdirSync(SRC, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  for (const f of folders) tierOf(f);
});

test('imports between folders of src/ point down the tiers only (no folder cycles)', () => {
  assert.deepEqual(layerViolations(srcFiles()), []);
});

test('the check sees an upward import, a same-tier import and a dynamic import', () => {
  assert.deepEqual(
    layerViolations([
      { path: 'query/parse-query.ts', text: "import { statistics } from '../report/statistics.js';" },
      { path: 'sql/x.ts', text: "export { a } from '../accounts/tokens.js';" },
      { path: 'store/y.ts', text: "const m = await import('../api/app.js');" },
      { path: 'cli/z.ts', text: "import '../api/app.js';\nimport type { Store } from '../store/store.js';" },
    ]),
    [
      'src/query/parse-query.ts imports src/report/statistics.js (query → report)',
      'src/sql/x.ts imports src/accounts/tokens.js (sql → accounts)',
      'src/store/y.ts imports src/api/app.js (store → api)',
    ],
  );
});

test('no file of src/cli imports the HTTP routes (the CLI calls the report services)', () => {
  const bad = srcFiles()
    .filter((f) => f.path.startsWith('cli/'))
    .flatMap((f) =>
      specifiers(f.text)
        .filter((s) => s.includes('/api/routes/'))
        .map((s) => `src/${f.path} imports ${s}`),
    );
  assert.deepEqual(bad, []);
});
