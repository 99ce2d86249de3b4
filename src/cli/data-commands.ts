import type { InputFormat } from '../ingest/index.js';
import { runImport } from './import.js';
import { queryCommand } from './query.js';
import { runZones } from './zones.js';
import { statSync } from 'node:fs';
import { positive, str, withStore, type Command } from './command.js';
import { usage } from './output.js';
import { CallstatsError } from '../core/errors.js';

const FORMATS = ['auto', 'json', 'ndjson', 'csv'];

/** Why `file` cannot be imported (missing, a directory), checked before the store is opened; pipes (`<(zcat …)`) are fine. */
function unreadableFile(file: string): string | undefined {
  try {
    if (statSync(file).isDirectory()) return `cannot read '${file}': is a directory`;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return `cannot read '${file}': ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`;
  }
  return undefined;
}

/** The commands that store, read and re-zone calls. */
export const DATA_COMMANDS: readonly Command[] = [
  {
    name: 'import',
    summary: "store Kazoo CDRs from files: JSON, CouchDB dump, crossbar, NDJSON or CSV ('-' = stdin)",
    synopsis: '[--account ID] [--parent ID] FILE...',
    flags: {
      account: { type: 'string', value: 'ID', help: "account of records that do not name one (else the CDR's own account_id)" },
      parent: { type: 'string', value: 'ID', help: "record ID as the parent of every account imported (a reseller's history)" },
      format: { type: 'string', value: 'F', help: 'auto (default: from the name and content), json, ndjson or csv' },
      'batch-size': {
        type: 'string',
        value: 'N',
        help: "calls per transaction (default: the store's, 100000 for DuckDB and ClickHouse, 50000 through a running server)",
      },
    },
    examples: [
      'callstats import --account 4f1a0c2e9b7d4e5f8a6b3c2d1e0f9a8b cdrs.json',
      'zcat cdrs.ndjson.gz | callstats import --format ndjson -',
    ],
    run: ({ config, values, args, json }) => {
      const format = str(values.format);
      if (format !== undefined && !FORMATS.includes(format)) {
        return Promise.resolve(usage(`--format must be ${FORMATS.join(', ')}, not '${format}'`, 'callstats help import lists its flags'));
      }
      const batchSize = positive(values['batch-size']);
      if (batchSize === null) return Promise.resolve(usage('--batch-size takes a positive whole number'));
      const unreadable = args
        .filter((f) => f !== '-')
        .map(unreadableFile)
        .find((m) => m !== undefined);
      if (unreadable) return Promise.resolve(usage(unreadable, "check the path ('-' reads standard input)", 'ERR_FILE'));
      // A batch job: its store calls are bounded by CALLSTATS_IMPORT_TIMEOUT, not a request's limit.
      return withStore({ ...config, queryTimeoutMs: config.importTimeoutMs }, (store) =>
        runImport({
          store,
          files: args,
          account: str(values.account),
          parent: str(values.parent),
          format: format as InputFormat | undefined,
          defaultCountry: config.defaultCountry,
          json,
          batchSize,
          workers: config.importWorkers,
        }).catch((err: unknown) => {
          if (!(err instanceof CallstatsError) || err.code !== 'ERR_STORE_TIMEOUT') throw err;
          const seconds = config.importTimeoutMs / 1000;
          throw new CallstatsError(err.code, err.message, { store: `no answer within ${seconds} s (CALLSTATS_IMPORT_TIMEOUT)` });
        }),
      );
    },
  },
  {
    name: 'query',
    summary: "one account's statistics, or its records as CSV or JSON, as the API answers them",
    synopsis: '--account ID PERIOD|csv|json',
    flags: {
      account: { type: 'string', value: 'ID', help: 'the account asked about (required)' },
      q: { type: 'string', value: 'JSON', help: 'the query: filters, grouping, timezone, metrics (docs/api.md)' },
      'page-size': { type: 'string', value: 'N', help: 'json: records per page, 1 to 10000 (default 100)' },
      'start-key': { type: 'string', value: 'K', help: "json: the previous page's next_start_key" },
    },
    examples: [
      'callstats query --account 4f1a0c2e9b7d4e5f8a6b3c2d1e0f9a8b daily --q \'{"timezone": "Pacific/Auckland", "grouping": "call_direction"}\'',
      'callstats query --account 4f1a0c2e9b7d4e5f8a6b3c2d1e0f9a8b csv --q \'{"filters": [{"name": "unanswered", "op": "eq", "val": true}]}\' > missed.csv',
    ],
    run: queryCommand,
  },
  {
    name: 'zones',
    summary: 'import a rate deck, export the zone table, re-zone stored calls, rebuild the default zones',
    synopsis: 'import FILE | export | rezone | rebuild',
    flags: { extend: { type: 'boolean', help: 'import: add to the zone table instead of replacing it' } },
    examples: ['callstats zones import --extend deck.csv && callstats zones rezone', 'callstats zones export > zones.csv'],
    run: ({ config, values, args, json }) =>
      withStore(config, (store) =>
        runZones(store, args[0] ?? '', { file: args[1], extend: values.extend === true, defaultCountry: config.defaultCountry, json }),
      ),
  },
];
