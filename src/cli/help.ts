import { readFileSync } from 'node:fs';
import type { Command, Flag } from './command.js';
import { COMMANDS, GLOBAL_FLAGS } from './commands.js';

/** callstats's version, from package.json (src/cli/ and dist/cli/ both sit two levels below it). */
export function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function flagLines(flags: Record<string, Flag>): string[] {
  const rows = Object.entries(flags).map(([name, f]) => {
    const spelled = `${f.short ? `-${f.short}, ` : ''}--${name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
    return [spelled, f.help] as const;
  });
  const width = Math.max(...rows.map(([s]) => s.length));
  return rows.map(([s, h]) => `  ${s.padEnd(width)}  ${h}`);
}

/** The help of every command at once: one line each, and the global options. */
export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'callstats — call detail record statistics',
    '',
    'usage: callstats <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'options of every command:',
    ...flagLines(GLOBAL_FLAGS),
    '',
    "`callstats help COMMAND` or `callstats COMMAND --help` shows a command's flags and an example.",
    '',
  ].join('\n');
}

/** One command's help: usage line, its flags with their help, the global flags, examples. */
export function commandHelp(command: Command): string {
  const own = Object.keys(command.flags).length > 0;
  return [
    `callstats ${command.name} — ${command.summary}`,
    '',
    `usage: callstats ${command.name}${command.synopsis ? ` ${command.synopsis}` : ''} [options]`,
    '',
    ...(own ? ['options:', ...flagLines(command.flags), ''] : []),
    'options of every command:',
    ...flagLines(GLOBAL_FLAGS),
    '',
    command.examples.length > 1 ? 'examples:' : 'example:',
    ...command.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}
