/**
 * Account ids (docs/accounts.md). Kazoo's are 32 lowercase hex digits; a platform without its own ids
 * (FreeSWITCH, Asterisk, imported with `--account`) names its accounts with a short name.
 * Both live in one column, so the rule keeps them apart: an id made only of hex digits and longer
 * than 16 characters is taken for a Kazoo id and must be exactly 32 — a Kazoo id with a digit
 * missing or doubled is an error, never a new, empty account.
 */

/** Kazoo's account id: 32 lowercase hex digits. */
export const KAZOO_ACCOUNT_ID = /^[0-9a-f]{32}$/;
/**
 * A non-Kazoo account name: letters, digits, `_` and `-`, at most 64 — what callstats accepted in
 * URLs before it knew Kazoo's form, so a store made then keeps every account it has.
 */
export const ACCOUNT_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Hex-only names up to this length are names (`acc1`, `cafe`); longer ones are Kazoo ids. */
const LONGEST_HEX_NAME = 16;

const HEX_ONLY = /^[0-9a-fA-F]+$/;
// A MODB (one CouchDB database per account and month) is named `<account id>-YYYYMM`; in a database
// name the id is split `account/7f/89/…` and percent-encoded `account%2F7f%2F89%2F…`.
const MODB_SUFFIX = /^([0-9a-f]{32})-\d{6}$/;
const DB_NAME = /^account(?:\/|%2f)([0-9a-f]{2})(?:\/|%2f)([0-9a-f]{2})(?:\/|%2f)([0-9a-f]{28})(?:-\d{6})?$/i;

/** Why `id` is not an account id, or undefined when it is one (as it stands, nothing stripped). */
export function accountIdProblem(id: string): string | undefined {
  if (KAZOO_ACCOUNT_ID.test(id)) return undefined;
  if (MODB_SUFFIX.test(id) || DB_NAME.test(id)) {
    return `'${shortened(id)}' is a monthly database (MODB) name; the account id is ${stripModb(id)}`;
  }
  if (HEX_ONLY.test(id) && id.length > LONGEST_HEX_NAME) {
    return id.length === 32
      ? `'${shortened(id)}' has uppercase hex digits; Kazoo account ids are lowercase`
      : `'${shortened(id)}' has ${id.length} hex digits; a Kazoo account id has 32`;
  }
  if (ACCOUNT_NAME.test(id)) return undefined;
  return `'${shortened(id)}' is not an account id: 32 lowercase hex digits (Kazoo), or a name of letters, digits, '_' and '-' (at most 64)`;
}

/** True when `id` is an account id as it stands. */
export function isAccountId(id: string): boolean {
  return accountIdProblem(id) === undefined;
}

/**
 * The account id inside a MODB name (`7f89…9265-201307`, `account%2F7f%2F89%2F…-201307`,
 * `account/7f/89/…`), else `id` unchanged. Only ingest strips: a URL or a flag must name the account.
 */
export function stripModb(id: string): string {
  const suffixed = MODB_SUFFIX.exec(id);
  if (suffixed) return suffixed[1];
  const db = DB_NAME.exec(id);
  return db ? `${db[1]}${db[2]}${db[3]}`.toLowerCase() : id;
}

/** An id as a document carries it, MODB suffix stripped, with why it is not an account id if it is not one. */
export function readAccountId(raw: string): { id: string; problem?: string } {
  const id = stripModb(raw);
  const problem = accountIdProblem(id);
  return problem === undefined ? { id } : { id, problem };
}

function shortened(id: string): string {
  const shown = id.length > 80 ? `${id.slice(0, 77)}...` : id;
  // Control characters (NUL included) are shown as escapes, never printed raw.
  return JSON.stringify(shown).slice(1, -1);
}
