import type { FastifySchema } from 'fastify';
import { EXPORT_COLUMNS } from '../core/call.js';
import { allFields, groupableFieldNames } from '../query/fields.js';
import { allAliases } from '../query/operators.js';
import { METRICS } from '../query/parse-query.js';
import { MAX_PAGE_SIZE } from '../report/records.js';
import { PERIODS } from '../time/index.js';

/**
 * Route schemas for the OpenAPI document. They are documentation only: routes attach them with
 * `docOnly` compilers, because Fastify's validator would answer in its own words (and reject
 * Kazoo inputs such as `q` as a JSON string), while our parser answers with the path of the fault.
 */
export type RouteSchema = FastifySchema & { summary?: string; description?: string; tags?: string[] };

/** Route options that attach `schema` without Fastify validating or serialising against it. */
export function docOnly(
  schema: RouteSchema,
  method = 'POST',
): {
  schema: RouteSchema;
  validatorCompiler: () => (data: unknown) => { value: unknown };
  serializerCompiler: () => (data: unknown) => string;
} {
  // Fastify refuses a body schema on GET; the POST twin of the route documents the body.
  const { body, ...rest } = schema;
  return {
    schema: method === 'GET' ? rest : { ...rest, ...(body ? { body } : {}) },
    validatorCompiler: () => (data) => ({ value: data }),
    // :TRICKY: a response schema would otherwise make fast-json-stringify drop every key it does not list.
    serializerCompiler: () => (data) => JSON.stringify(data),
  };
}

const account = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'account id' };

/** One filter entry (SPEC 3.1); names and operators come from the registries. */
export function filterSchema(): Record<string, unknown> {
  return {
    description: '{name, op, val}, {name, op, field}, or {or: [...]} / {and: [...]} (nestable)',
    type: 'object',
    properties: {
      name: { type: 'string', enum: allFields().map((f) => f.name), description: fieldDocs() },
      op: { type: 'string', enum: allAliases().map(([alias]) => alias), description: opDocs() },
      val: { description: 'value of the field type; a list for in/not_in; absent for is_null/is_not_null' },
      field: { type: 'string', enum: allFields().map((f) => f.name), description: 'compare with another field' },
      or: { type: 'array', items: { $ref: '#/components/schemas/Filter' } },
      and: { type: 'array', items: { $ref: '#/components/schemas/Filter' } },
    },
  };
}

function fieldDocs(): string {
  return allFields()
    .map((f) => `${f.name} (${f.type}${f.groupable ? ', groupable' : ''}): ${f.doc}`)
    .join('; ');
}

function opDocs(): string {
  return allAliases()
    .map(([alias, op]) => `${alias} → ${op}`)
    .join('; ');
}

/** The statistics/records query (SPEC 2.4), with or without the Kazoo `data` wrapper. */
export function querySchema(): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      filters: { type: 'array', items: { $ref: '#/components/schemas/Filter' } },
      grouping: { type: 'string', enum: groupableFieldNames() },
      timezone: { type: 'string', description: 'IANA time zone name; default from config' },
      time_format: { type: 'string', enum: ['kazoo', 'iso'] },
      week_start: { type: 'string', enum: ['monday', 'sunday'] },
      metrics: { type: 'array', items: { type: 'string', enum: [...METRICS] } },
      data: { type: 'object', description: 'the same object, Kazoo style' },
    },
  };
}

const q = { type: 'string', description: 'percent-encoded JSON query (components.schemas.Query)' };
/** Kazoo crossbar's range parameters, ANDed with `q`'s filters (report/created-range.ts). */
const createdRange = {
  created_from: { type: 'integer', description: 'Kazoo range start, gregorian seconds, inclusive: call_time >= it' },
  created_to: { type: 'integer', description: 'Kazoo range end, gregorian seconds, inclusive: call_time <= it' },
};
const recordColumns = `columns, in order: ${EXPORT_COLUMNS.join(', ')}`;
const queryBody = { $ref: '#/components/schemas/Query' };

export const countriesSchema: RouteSchema = {
  summary: 'countries that have at least one zone',
  tags: ['zones'],
  params: { type: 'object', properties: { account } },
  response: { 200: { description: '{"data": {"countries": [name, ...]}}' } },
};

export const regionsSchema: RouteSchema = {
  summary: 'regions with their zone ids, for &-separated country names',
  tags: ['zones'],
  params: { type: 'object', properties: { account, list: { type: 'string', description: 'New%20Zealand&Australia' } } },
  response: { 200: { description: '{"data": {"countries": {country: {region: [zone ids]}}}}' } },
};

export const statisticsSchema: RouteSchema = {
  summary: 'statistics per local hour, day, week or month',
  tags: ['statistics'],
  params: { type: 'object', properties: { account, period: { type: 'string', enum: [...PERIODS] } } },
  querystring: { type: 'object', properties: { q, ...createdRange } },
  body: queryBody,
  response: { 200: { description: '{"data": {bucket key: {total, duration_seconds, groups?, ...metrics}}}' } },
};

export const csvSchema: RouteSchema = {
  summary: 'matching call records as streamed RFC 4180 CSV',
  tags: ['records'],
  params: { type: 'object', properties: { account } },
  querystring: { type: 'object', properties: { q, ...createdRange } },
  body: queryBody,
  response: { 200: { description: `text/csv, header row, CRLF line ends; ${recordColumns}` } },
};

export const jsonSchema: RouteSchema = {
  summary: 'matching call records as JSON pages',
  tags: ['records'],
  params: { type: 'object', properties: { account } },
  querystring: {
    type: 'object',
    properties: {
      q,
      ...createdRange,
      page_size: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 100 },
      start_key: { type: 'string', description: 'next_start_key of the previous page' },
    },
  },
  body: queryBody,
  response: { 200: { description: `{"data": [record, ...], "page_size": n, "next_start_key"?: key}; a record's ${recordColumns}` } },
};

export const cdrsSchema: RouteSchema = {
  summary: 'ingest Kazoo CDRs ({"data": [...]}, an array, or NDJSON)',
  tags: ['ingest'],
  params: { type: 'object', properties: { account } },
  body: { description: 'Kazoo CDR documents', type: 'object', properties: { data: { type: 'array', items: { type: 'object' } } } },
  response: {
    200: {
      description:
        '{"data": {"accepted": n, "duplicates": d, "rejected": [{index, reason}], "rejected_count": r, "skipped": s}}; skipped = documents that are not CDRs',
    },
  },
};

export const webhookSchema: RouteSchema = {
  summary:
    "Kazoo channel_destroy webhook target (the hook's http_verb: POST, PUT, or GET with the query string); the token names the account",
  tags: ['ingest'],
  params: { type: 'object', properties: { token: { type: 'string' } } },
  body: { description: "one CDR, JSON or form-encoded as Kazoo's kz_http_util:json_to_querystring writes it", type: 'object' },
  response: { 200: { description: 'as for cdrs' } },
};
