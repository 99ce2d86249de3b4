// Builds the dashboard (src/web) into dist/web/public: content-hashed assets, their gzip twins,
// and an index.html that loads them. Run by `npm run build` and `prepare` (so at install time).
import { build } from 'esbuild';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds into `target` (default dist/web/public); returns the asset names and their byte sizes. */
export async function buildWeb(target = join(ROOT, 'dist/web/public')) {
  // Built aside and renamed into place, so a server (or a second build) never sees half a page.
  const outdir = `${target}.${process.pid}.tmp`;
  await rm(outdir, { recursive: true, force: true });
  const assets = join(outdir, 'assets');
  await mkdir(assets, { recursive: true });
  const result = await build({
    entryPoints: [join(ROOT, 'src/web/main.ts'), join(ROOT, 'src/web/style.css')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome110', 'firefox115', 'safari16'],
    outdir: assets,
    entryNames: '[name]-[hash]',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const files = Object.keys(result.metafile.outputs).map((f) => basename(f));
  const js = files.find((f) => f.endsWith('.js'));
  const css = files.find((f) => f.endsWith('.css'));
  const sizes = {};
  for (const f of files) {
    const body = await readFile(join(assets, f));
    const gz = gzipSync(body, { level: 9 });
    await writeFile(join(assets, `${f}.gz`), gz);
    sizes[f] = { bytes: body.length, gzip: gz.length };
  }
  const template = await readFile(join(ROOT, 'src/web/index.html'), 'utf8');
  const html = template.replace('%CSS%', `/assets/${css}`).replace('%JS%', `/assets/${js}`);
  await writeFile(join(outdir, 'index.html'), html);
  await rm(target, { recursive: true, force: true });
  await rename(outdir, target);
  return { js, css, sizes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { sizes } = await buildWeb(process.argv[2]);
  for (const [f, s] of Object.entries(sizes)) console.log(`web: ${f} ${s.bytes} B, ${s.gzip} B gzipped`);
}
