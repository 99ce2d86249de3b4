import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cdrToCall } from '../../src/ingest/cdr-to-call.js';
import { readRecords } from '../../src/ingest/read-records.js';
import type { RawRecord } from '../../src/ingest/types.js';
import { kazooCsvExport, STORED_CDRS, type Release } from '../fixtures/ingest/kazoo-csv.js';

const zoneOf = (): null => null;

async function read(text: string, chunk: number): Promise<RawRecord[]> {
  const buf = Buffer.from(text);
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let o = 0; o < buf.length; o += chunk) yield buf.subarray(o, o + chunk);
  }
  const out: RawRecord[] = [];
  for await (const r of readRecords(chunks())) out.push(r);
  return out;
}

/** What callstats makes of each row: the fields the export carries, or why the row was refused. */
async function calls(text: string): Promise<unknown[]> {
  const whole = await read(text, text.length);
  assert.deepEqual(await read(text, 1), whole, '1-byte chunks read the same');
  return whole.map((r) => {
    if (r.error !== undefined) return { line: r.line, error: r.error };
    const c = cdrToCall(r.doc, { zoneOf, accountId: '7f89565344e3e6302df60168420e9265' });
    if (!c.ok) return { line: r.line, reason: c.reason };
    const { call_id, call_time, call_direction, caller_id_name, caller_id_number, duration_seconds, billing_seconds, hangup_cause } =
      c.call;
    return { call_id, call_time, call_direction, caller_id_name, caller_id_number, duration_seconds, billing_seconds, hangup_cause };
  });
}

// Starts: 2019-05-06 15:08:39 and 15:29:48 UTC (the stored CDRs' hangup minus their duration).
const EXPECTED = [
  {
    call_id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    call_time: Date.UTC(2019, 4, 6, 15, 8, 39) / 1000,
    call_direction: 'inbound',
    caller_id_name: 'Smith, Bob',
    caller_id_number: '+15132882153',
    duration_seconds: 79,
    billing_seconds: 70,
    hangup_cause: 'NORMAL_CLEARING',
  },
  {
    call_id: 'b2-leg@10.26.0.81',
    call_time: Date.UTC(2019, 4, 6, 15, 29, 48) / 1000,
    call_direction: 'outbound',
    caller_id_name: 'Front Desk',
    caller_id_number: '+15132882153',
    duration_seconds: 12,
    billing_seconds: 0,
    hangup_cause: 'NO_ANSWER',
  },
];

for (const release of ['3.22', '4.0', '4.1'] as Release[]) {
  test(`Kazoo ${release} CSV export: quoted rfc_1036 marks the hangup timestamp; a comma in a name or rate name is placed by the columns' formats`, async () => {
    assert.deepEqual(await calls(kazooCsvExport(release, STORED_CDRS)), EXPECTED);
  });
}

for (const release of ['4.2', '4.3'] as Release[]) {
  test(`Kazoo ${release} CSV export: the unquoted rfc_1036 (one comma) and a comma in a name still parse, timestamp is the start`, async () => {
    assert.deepEqual(await calls(kazooCsvExport(release, STORED_CDRS)), EXPECTED);
    assert.deepEqual(await calls(kazooCsvExport(release, STORED_CDRS, true)), EXPECTED, 'with the reseller columns');
  });
}

test('a Kazoo 4.2 row whose extra commas fit two ways, or none, is an error record naming the count', async () => {
  const lines = kazooCsvExport('4.2', STORED_CDRS).split('\r\n');
  // "Smith,Bob" (no blank) could be a name and the callee number "Bob": two readings, so no guess.
  const twoWays = lines[1].replace('Smith, Bob', 'Smith,Bob');
  // A comma inside the hangup cause fits no column: the fields after it would all shift.
  const none = lines[2].replace('NO_ANSWER', 'NO,ANSWER');
  assert.deepEqual(await calls(`${lines[0]}\r\n${twoWays}\r\n${none}\r\n`), [
    {
      line: 2,
      error: 'expected 32 fields as in the header, found 35: the 3 extra unquoted comma(s) fit more than one way between the columns',
    },
    { line: 3, error: 'expected 32 fields as in the header, found 34' },
  ]);
});

test('Kazoo 4.0/4.1 CSV exports have media columns yet write the hangup in timestamp: call_time is the start', async () => {
  const plain = STORED_CDRS.map((c) => ({ ...c, caller_id_name: 'Bob', custom_channel_vars: { ...c.custom_channel_vars, rate_name: '' } }));
  for (const release of ['4.0', '4.1'] as Release[]) {
    const got = (await calls(kazooCsvExport(release, plain))) as { call_time: number }[];
    assert.deepEqual(
      got.map((c) => c.call_time),
      EXPECTED.map((c) => c.call_time),
      release,
    );
  }
});

test('a hostile CSV row of 200,000 commas is one error record, read in well under a second', async () => {
  const header = kazooCsvExport('4.2', []);
  const started = process.hrtime.bigint();
  const records = await read(`${header}x${','.repeat(200_000)}\r\n`, 1 << 16);
  assert.deepEqual(records, [{ index: 0, line: 2, error: 'expected 32 fields as in the header, found 200001' }]);
  assert.ok(Number(process.hrtime.bigint() - started) / 1e9 < 5, 'no quadratic search');
});
