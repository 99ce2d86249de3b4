#!/usr/bin/env node
// The compiled CLI (npm install builds dist/ through the `prepare` script).
import('../dist/cli/run.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/run.js')) {
    console.error('callstats is not built yet: run `npm install` (or `npm run build`) first.');
    process.exit(2);
  }
  throw err;
});
