import { runCli } from './main.js';

// Entry point: `bin/callstats.js` loads the compiled form of this file.
runCli(process.argv.slice(2));
