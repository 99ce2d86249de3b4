import { getField, ZONE_JOINS, type FieldDef, type ZoneSide } from '../query/fields.js';
import type { Dialect } from './dialect.js';

/** Alias of the calls table in every query the compiler writes. */
export const CALLS_ALIAS = 'c';

/** Which zone joins a query needs. */
export interface ZoneJoins {
  readonly caller: boolean;
  readonly callee: boolean;
}

/** The registry entry for a name the parser already accepted; anything else is a programming error. */
export function knownField(name: string): FieldDef {
  const field = getField(name);
  if (!field) throw new Error(`unknown field ${JSON.stringify(name)} reached the SQL compiler`);
  return field;
}

/** SQL expression for a field's value, NULL when missing, from registry identifiers only. */
export function fieldSql(name: string, dialect: Dialect): string {
  const field = knownField(name);
  const { source } = field;
  if (source.kind === 'column') return `${CALLS_ALIAS}.${dialect.identifier(source.column)}`;
  const { alias, key } = ZONE_JOINS[source.side];
  const zoneId = `${CALLS_ALIAS}.${dialect.identifier(key)}`;
  const country = `${alias}.${dialect.identifier('country')}`;
  const joinedId = `${alias}.${dialect.identifier('id')}`;
  // :TRICKY: "no zone" is a NULL zone id OR an id the zone table does not hold. An unmatched LEFT
  // JOIN gives NULL columns in DuckDB but defaults (0, '') in ClickHouse without join_use_nulls;
  // zone ids start at 1, so comparing the joined id with the call's id decides it on both.
  const noZone = `${zoneId} IS NULL OR ${joinedId} IS NULL OR ${joinedId} <> ${zoneId}`;
  if (source.part === 'country') return `CASE WHEN ${noZone} THEN NULL ELSE ${country} END`;
  const description = `${alias}.${dialect.identifier('description')}`;
  // Region = "<country> <description>", or the country alone when the description is empty.
  return `CASE WHEN ${noZone} THEN NULL WHEN ${description} = '' THEN ${country} ELSE concat(${country}, ' ', ${description}) END`;
}

/** The zone side a field reads, if it comes from the zones table. */
export function zoneSideOf(name: string): ZoneSide | undefined {
  const { source } = knownField(name);
  return source.kind === 'zone' ? source.side : undefined;
}

/**
 * LEFT JOINs of the zones table for the needed sides, e.g. `LEFT JOIN zones zr ON zr."id" = c."caller_zone_id"`.
 * DuckDB's spelling; ClickHouse 18.16 (one JOIN per SELECT) nests its joins instead, in
 * `clickhouseDialect.callsFrom`.
 */
export function zoneJoinSql(joins: ZoneJoins, dialect: Dialect): string {
  const sides = (['caller', 'callee'] as const).filter((s) => joins[s]);
  return sides
    .map((s) => {
      const { alias, key } = ZONE_JOINS[s];
      return `LEFT JOIN ${dialect.identifier('zones')} ${alias} ON ${alias}.${dialect.identifier('id')} = ${CALLS_ALIAS}.${dialect.identifier(key)}`;
    })
    .join(' ');
}
