import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { channelDestroy, CHILD, RESELLER } from '../accounts/fixtures.js';

// `keys` and `webhooks` answer the same through a running `serve` (the control channel) as directly on
// the stopped store, byte for byte with --json, for values that stress the channel (docs/accounts.md).
const dir = mkdtempSync(join(tmpdir(), 'callstats-keys-cli-'));
const STORE = `duckdb:${join(dir, 'callstats.duckdb')}`;
const BASE_ENV = { ...process.env, CALLSTATS_STORE: STORE, CALLSTATS_RATE_LIMIT: '0', CALLSTATS_PUBLIC_URL: '' };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * One `callstats` invocation in this process (`main`, as `run.ts` calls it), its output captured:
 * the CLI opens the store itself, or — while the `serve` child holds it — goes through the server.
 * In-process because a spawned CLI costs seconds on a loaded machine and this file runs dozens.
 */
async function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const saved = { ...process.env };
  Object.assign(process.env, BASE_ENV, env);
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write, err: process.stderr.write };
  // :TRICKY: the test runner reports to its parent over this same stdout, in binary chunks; the CLI
  // writes text. Only text is captured, so the runner's own messages still reach it.
  const capture =
    (into: string[], original: typeof process.stdout.write, stream: NodeJS.WriteStream) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean =>
      typeof chunk === 'string' ? into.push(chunk) > 0 : (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
  process.stdout.write = capture(out, write.out, process.stdout) as typeof process.stdout.write;
  process.stderr.write = capture(err, write.err, process.stderr) as typeof process.stderr.write;
  try {
    const code = await main(args).catch((e: unknown) => {
      err.push(`callstats: ${(e as Error).message}\n`);
      return 1;
    });
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

/** `serve` on a free port until `stop`; its URL once it listens. */
async function serve(): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', 'serve', '--port', '0'], {
    env: BASE_ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /serving \S+ on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    void exited.then(() => reject(new Error(`serve exited before listening: ${out}`)));
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// Labels that stress the channel: non-ASCII (NFC and NFD, astral), exactly 1 KiB of UTF-8, empty
// (stored as no label), and the issue's `viaserver` on account `cc`.
const LONG = 'é'.repeat(512);
const CREATES: { args: string[]; expect: Record<string, unknown> }[] = [
  { args: ['--account', 'cc', '--label', 'viaserver'], expect: { account: 'cc', subaccounts: false, label: 'viaserver' } },
  {
    args: ['--account', RESELLER, '--label', 'Zoë – 東京 📞 e\u0301'],
    expect: { account: RESELLER, subaccounts: false, label: 'Zoë – 東京 📞 e\u0301' },
  },
  { args: ['--account', RESELLER, '--subaccounts', '--label', LONG], expect: { account: RESELLER, subaccounts: true, label: LONG } },
  { args: ['--account', '*', '--label', ''], expect: { account: '*', subaccounts: false, label: null } },
];

/** Runs every create on the current path and checks each answer; returns the webhook tokens made. */
async function createAll(): Promise<{ token: string; id: string }[]> {
  for (const { args, expect } of CREATES) {
    const r = await cli(['keys', 'create', '--json', ...args]);
    assert.equal(r.code, 0, r.stderr);
    const { id, token, ...rest } = JSON.parse(r.stdout) as Record<string, string>;
    assert.match(id, /^[0-9a-f]{16}$/);
    assert.match(token, new RegExp(`^${id}\\.[A-Za-z0-9_-]{43}$`));
    assert.deepEqual(rest, expect);
  }
  const hooks = [];
  for (const [account, sub] of [
    [RESELLER, true],
    ['cc', false],
  ] as const) {
    const r = await cli(['webhooks', 'create', '--json', '--account', account, ...(sub ? ['--subaccounts'] : [])], {
      CALLSTATS_HOST: 'stats.internal',
      CALLSTATS_PORT: '8443',
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, string>;
    assert.deepEqual(Object.keys(out), ['id', 'account', 'subaccounts', 'token', 'path', 'url']);
    assert.deepEqual([out.account, out.subaccounts], [account, sub]);
    assert.equal(out.path, `/v2/webhooks/${out.token}/channel_destroy`);
    assert.equal(out.url, `http://stats.internal:8443${out.path}`, 'no CALLSTATS_PUBLIC_URL: the configured host and port');
    hooks.push({ token: out.token, id: out.id });
  }
  return hooks;
}

/** What must be byte-identical on both paths. */
async function listings(): Promise<string[]> {
  const out = [];
  for (const args of [
    ['keys', 'list', '--json'],
    ['keys', 'list'],
    ['webhooks', 'list', '--json'],
    ['webhooks', 'list'],
  ]) {
    const r = await cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    out.push(r.stdout);
  }
  return out;
}

/** Refusals, the same text and exit code on both paths. */
async function refusals(): Promise<Run[]> {
  const runs = [];
  for (const args of [
    ['keys', 'create', '--account', 'cc', '--label', 'tab\there'],
    ['keys', 'create', '--account', 'cc', '--label', 'x'.repeat(1025)],
    ['keys', 'create', '--account', RESELLER.slice(1)],
    ['keys', 'create', '--account', 'zoë'],
    ['keys', 'create', '--account', '*', '--subaccounts'],
    ['keys', 'create'],
    ['webhooks', 'create', '--account', '*'],
    ['webhooks', 'create', '--account', `${RESELLER}-201307`],
    ['webhooks', 'revoke', 'ffffffffffffffff'],
  ])
    runs.push(await cli(args));
  return runs;
}

describe('keys and webhooks, through a running server and directly', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  let viaServer: string[];
  let refusedViaServer: Run[];
  let hooks: { token: string; id: string }[];

  before(async () => {
    const server = await serve();
    try {
      hooks = await createAll();
      refusedViaServer = await refusals();
      // A token revoked through the server is refused by that same running server at once.
      const payload = channelDestroy(CHILD, 'revoked-1');
      const post = (token: string) =>
        fetch(`${server.url}/v2/webhooks/${token}/channel_destroy`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        });
      assert.equal((await post(hooks[0].token)).status, 200);
      const revoked = await cli(['webhooks', 'revoke', hooks[0].id, '--json']);
      assert.deepEqual([revoked.code, revoked.stdout], [0, `{"id":"${hooks[0].id}","revoked":true}\n`]);
      const after = await post(hooks[0].token);
      assert.deepEqual([after.status, (await after.json()).data], [401, { token: 'invalid or revoked' }]);
      viaServer = await listings();
    } finally {
      await server.stop();
    }
  });

  test('keys list and webhooks list on the stopped store equal their answers through the server, byte for byte', async () => {
    const direct = await listings();
    assert.deepEqual(direct, viaServer);
    const keys = JSON.parse(direct[0]) as Record<string, unknown>[];
    // serve's admin key and the four creates, exactly as given (created in one second, they list by id).
    const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();
    assert.deepEqual(
      sorted(keys.map(({ account, subaccounts, label, revoked }) => ({ account, subaccounts, label, revoked }))),
      sorted(
        [{ account: '*', subaccounts: false, label: 'admin (created by serve)' }, ...CREATES.map((c) => c.expect)].map((k) => ({
          ...k,
          revoked: false,
        })),
      ),
    );
    assert.deepEqual(Object.keys(keys[0]), ['id', 'account', 'subaccounts', 'label', 'created_at', 'revoked']);
    const webhooks = JSON.parse(direct[2]) as Record<string, unknown>[];
    assert.deepEqual(
      sorted(webhooks.map(({ id, account, subaccounts, revoked }) => ({ id, account, subaccounts, revoked }))),
      sorted([
        { id: hooks[0].id, account: RESELLER, subaccounts: true, revoked: true },
        { id: hooks[1].id, account: 'cc', subaccounts: false, revoked: false },
      ]),
    );
    assert.ok(direct[1].includes('cc                                    active'), direct[1]);
  });

  test('refusals read the same on both paths: control characters, over 1 KiB, bad account ids', async () => {
    const direct = await refusals();
    assert.deepEqual(direct, refusedViaServer);
    assert.deepEqual(
      direct.map((r) => [r.code, r.stderr]),
      [
        [2, 'callstats: --label: must not contain control characters (NUL, tab, newline, escape)\n'],
        [2, 'callstats: --label: longer than 1024 bytes\n'],
        [2, `callstats: --account: '${RESELLER.slice(1)}' has 31 hex digits; a Kazoo account id has 32\n`],
        [
          2,
          "callstats: --account: 'zoë' is not an account id: 32 lowercase hex digits (Kazoo), or a name of letters, digits, '_' and '-' (at most 64)\n",
        ],
        [2, "callstats: --subaccounts needs one account: '*' reads every account already\n"],
        [2, "callstats: keys create needs --account ID (or --account '*')\n"],
        [2, "callstats: webhooks create needs one account, not '*'\n"],
        [2, `callstats: --account: '${RESELLER}-201307' is a monthly database (MODB) name; the account id is ${RESELLER}\n`],
        [1, ''],
      ],
    );
    assert.equal(direct[8].stdout, 'no active webhook ffffffffffffffff\n');
  });

  test('creating directly answers as through the server, and the server then lists what was made while it was down', async () => {
    const made = await createAll();
    const revoked = await cli(['webhooks', 'revoke', made[1].id, '--json']);
    assert.deepEqual([revoked.code, revoked.stdout], [0, `{"id":"${made[1].id}","revoked":true}\n`]);
    const direct = await listings();
    assert.equal((JSON.parse(direct[2]) as { id: string; revoked: boolean }[]).find((w) => w.id === made[1].id)?.revoked, true);
    const server = await serve();
    try {
      assert.deepEqual(await listings(), direct);
    } finally {
      await server.stop();
    }
    assert.equal((JSON.parse(direct[0]) as unknown[]).length, 1 + 2 * CREATES.length);
  });

  test('the printed webhook URL uses CALLSTATS_PUBLIC_URL when it is set', async () => {
    const r = await cli(['webhooks', 'create', '--account', CHILD], { CALLSTATS_PUBLIC_URL: 'https://stats.example.com/' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `^webhook [0-9a-f]{16} for account ${CHILD} \\(token shown once\\)\\nKazoo webhook uri: https://stats\\.example\\.com/v2/webhooks/[0-9a-f]{16}\\.[A-Za-z0-9_-]{43}/channel_destroy\\n$`,
      ),
    );
  });
});
