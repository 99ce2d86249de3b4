import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { COMMANDS } from '../../src/cli/commands.js';
import { acceptedFlags } from '../../src/cli/main.js';
import { EXIT } from '../../src/cli/output.js';

/** docs/cli.md documents every command, every flag each accepts, and every exit code. */

const DOC = readFileSync('docs/cli.md', 'utf8');

test('docs/cli.md has a section per command listing each flag it accepts', () => {
  for (const c of COMMANDS) {
    const start = DOC.indexOf(`### \`callstats ${c.name}\``);
    assert.notEqual(start, -1, c.name);
    const end = DOC.indexOf('\n### ', start + 1);
    const section = DOC.slice(start, end === -1 ? undefined : end);
    for (const [name, flag] of Object.entries(c.flags)) {
      assert.ok(section.includes(`--${name}${flag.type === 'string' ? ` ${flag.value}` : ''}\``), `${c.name} --${name}`);
    }
  }
  for (const name of Object.keys(acceptedFlags(COMMANDS[0]))) assert.ok(DOC.includes(`--${name}`), name);
});

test('docs/cli.md lists every exit code the CLI uses', () => {
  for (const [what, code] of Object.entries(EXIT)) assert.match(DOC, new RegExp(`^\\| ${code} \\| `, 'm'), what);
});
