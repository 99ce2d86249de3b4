import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { COMMANDS, findCommand, GLOBAL_FLAGS } from '../../src/cli/commands.js';
import { commandHelp, globalHelp } from '../../src/cli/help.js';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('callstats help, COMMAND --help and --version come from the one command table', () => {
  test('--version prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    assert.deepEqual(await cli(['--version']), { code: 0, stdout: `${version}\n`, stderr: '' });
  });

  test('`help COMMAND` and `COMMAND --help` print that command’s help from the table, exit 0', async () => {
    const expected = commandHelp(findCommand('query')!);
    const [a, b, c] = await Promise.all([cli(['help', 'query']), cli(['query', '--help']), cli(['query', '-h'])]);
    for (const r of [a, b, c]) assert.deepEqual(r, { code: 0, stdout: expected, stderr: '' });
    assert.ok(expected.startsWith('callstats query — '), expected);
    assert.match(expected, /^usage: callstats query --account ID PERIOD\|csv\|json \[options\]$/m);
    assert.match(expected, /^ {2}--page-size N {2}json: records per page, 1 to 10000 \(default 100\)$/m);
    assert.match(expected, /^ {2}callstats query --account \S+ daily --q /m);
  });

  test('`help` prints the global help, exit 0; no command at all prints it and exits 2', async () => {
    const [help, bare] = await Promise.all([cli(['help']), cli([])]);
    assert.deepEqual(help, { code: 0, stdout: globalHelp(), stderr: '' });
    assert.deepEqual(bare, { code: 2, stdout: globalHelp(), stderr: '' });
    for (const c of COMMANDS) assert.ok(globalHelp().includes(`\n  ${c.name.padEnd(8)}  ${c.summary}\n`), c.name);
  });

  test('help for an unknown command, and a flag of another command, are usage errors (exit 2)', async () => {
    const [unknown, foreign] = await Promise.all([cli(['help', 'nope']), cli(['compact', '--account', 'a1'])]);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, `callstats: no command 'nope'\n\n${globalHelp()}\n`);
    assert.deepEqual(foreign, { code: 2, stdout: '', stderr: 'callstats: compact takes no --account (callstats help compact)\n' });
  });

  test('every command documents each of its flags, its usage and an example of itself', () => {
    for (const c of COMMANDS) {
      const text = commandHelp(c);
      for (const [name, flag] of Object.entries({ ...c.flags, ...GLOBAL_FLAGS })) {
        assert.ok(flag.help.length > 0, `${c.name} --${name}`);
        const spelled = `--${name}${flag.type === 'string' ? ` ${flag.value}` : ''}`;
        assert.ok(text.includes(`${spelled}  `) && text.includes(flag.help), `${c.name}: ${spelled}`);
      }
      assert.ok(c.examples.length > 0, c.name);
      for (const e of c.examples) assert.match(e, new RegExp(`\\bcallstats ${c.name}\\b`), `${c.name}: ${e}`);
    }
  });
});
