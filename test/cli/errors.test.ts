import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS } from '../../src/cli/commands.js';
import { commandHelp } from '../../src/cli/help.js';
import { acceptedFlags } from '../../src/cli/main.js';

/** How `callstats` fails: a message and a hint (JSON on stderr with --json), a documented exit code, no stack for user errors. */

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], { env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('callstats errors', () => {
  let dir: string;
  let env: Record<string, string>;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'callstats-cli-errors-'));
    env = { CALLSTATS_STORE: `duckdb:${join(dir, 'c.duckdb')}` };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a missing file: message and hint, exit 2, no stack trace; with --json the same as one JSON object', async () => {
    const missing = join(dir, 'nope.json');
    // One after the other: both open the same DuckDB file, which takes one process at a time.
    const human = await cli(['import', missing], env);
    const json = await cli(['import', '--json', missing], env);
    assert.deepEqual(human, {
      code: 2,
      stdout: '',
      stderr: `callstats: cannot read '${missing}': no such file or directory\nhint: check the path ('-' reads standard input)\n`,
    });
    assert.equal(json.code, 2);
    assert.equal(json.stdout, '');
    assert.deepEqual(JSON.parse(json.stderr), {
      error: 'ERR_FILE',
      message: `cannot read '${missing}': no such file or directory`,
      hint: "check the path ('-' reads standard input)",
    });
  });

  test('an unknown flag and a flag without its value: usage errors naming the flag, exit 2', async () => {
    const [bogus, bare, jsonBogus] = await Promise.all([
      cli(['import', '--bogus', 'x'], env),
      cli(['query', '--account'], env),
      cli(['import', '--bogus', '--json'], env),
    ]);
    assert.deepEqual(bogus, {
      code: 2,
      stdout: '',
      stderr: 'callstats: unknown flag --bogus\nhint: callstats help import lists its flags\n',
    });
    assert.deepEqual(bare, {
      code: 2,
      stdout: '',
      stderr: 'callstats: --account needs a value\nhint: callstats help query lists its flags\n',
    });
    assert.equal(jsonBogus.code, 2);
    assert.deepEqual(JSON.parse(jsonBogus.stderr), {
      error: 'ERR_USAGE',
      message: 'unknown flag --bogus',
      hint: 'callstats help import lists its flags',
    });
  });

  test('bad import values: a directory, an unknown --format, a --batch-size that is not a number — exit 2, nothing stored', async () => {
    const [isDir, format, batch] = await Promise.all([
      cli(['import', dir], env),
      cli(['import', '--format', 'xml', '-'], env),
      cli(['import', '--batch-size', 'lots', '-'], env),
    ]);
    assert.deepEqual(isDir, {
      code: 2,
      stdout: '',
      stderr: `callstats: cannot read '${dir}': is a directory\nhint: check the path ('-' reads standard input)\n`,
    });
    assert.deepEqual(format, {
      code: 2,
      stdout: '',
      stderr: "callstats: --format must be auto, json, ndjson, csv, not 'xml'\nhint: callstats help import lists its flags\n",
    });
    assert.deepEqual(batch, { code: 2, stdout: '', stderr: 'callstats: --batch-size takes a positive whole number\n' });
  });

  test('`serve --port 99999` blames --port, not CALLSTATS_PORT', async () => {
    const r = await cli(['serve', '--port', '99999'], env);
    assert.deepEqual(r, {
      code: 2,
      stdout: '',
      stderr: "callstats: --port takes a port number from 0 to 65535, not '99999'\nhint: callstats help serve lists its flags\n",
    });
  });

  test('a malformed setting names the variable, exit 2, no stack', async () => {
    const r = await cli(['compact', '--json'], { ...env, CALLSTATS_DATE_ORDER: 'ymd' });
    assert.equal(r.code, 2);
    assert.deepEqual(JSON.parse(r.stderr), {
      error: 'ERR_CONFIG',
      message: "CALLSTATS_DATE_ORDER must be dmy or mdy, not 'ymd'",
      hint: 'fix the setting in the environment (docs/operations.md lists every CALLSTATS_* setting)',
    });
  });

  test('a store location without its kind (--store PATH) is a setting to fix, not an internal error', async () => {
    const r = await cli(['import', '--json', '--store', '/tmp/no-kind.duckdb', '-'], env);
    assert.equal(r.code, 2);
    assert.deepEqual(JSON.parse(r.stderr), {
      error: 'ERR_CONFIG',
      message: "CALLSTATS_STORE must be duckdb:PATH, clickhouse://HOST:PORT/DATABASE or chdb:DIR, not '/tmp/no-kind.duckdb'",
      hint: 'fix the setting in the environment (docs/operations.md lists every CALLSTATS_* setting)',
    });
  });

  test('with --json, a rejected query is the coded error as JSON on stderr, exit 2', async () => {
    const r = await cli(['query', '--json', '--account', 'a1', 'daily', '--q', '{"timezone": "Mars/Olympus"}'], env);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    const err = JSON.parse(r.stderr);
    assert.equal(err.error, 'ERR_TIMEZONE');
    assert.equal(err.message, 'invalid query');
  });

  test('statistics of an account with no calls: `{}` on stdout, a note naming the account on stderr, exit 0', async () => {
    const r = await cli(['query', '--account', 'n0ca11s', 'daily'], env);
    assert.deepEqual(r, {
      code: 0,
      stdout: '{}\n',
      stderr: "callstats: account 'n0ca11s' has no calls stored (check the account id)\n",
    });
  });

  test('every flag the parser accepts for a command appears in that command’s help', () => {
    for (const c of COMMANDS) {
      const help = commandHelp(c);
      for (const [name, flag] of Object.entries(acceptedFlags(c))) {
        const spelled = `--${name}${flag.type === 'string' ? ` ${flag.value}` : ''}  `;
        assert.ok(help.includes(spelled), `${c.name}: ${spelled}`);
      }
    }
    for (const f of ['page-size', 'start-key', 'format', 'demo-if-empty', 'batch-size', 'extend', 'queue-type']) {
      assert.ok(
        COMMANDS.some((c) => commandHelp(c).includes(`--${f}`)),
        f,
      );
    }
  });
});
