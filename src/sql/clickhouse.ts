import { clickhouseLiteral, clickhouseString, clickhouseTuple } from './clickhouse-literal.js';
import { assertIdentifier, type Dialect } from './dialect.js';

/**
 * ClickHouse, 18.16 up to current. 18.16 has no server-side parameters, so values are rendered
 * as escaped typed literals (clickhouse-literal.ts) and `params` stays empty.
 */
export const clickhouseDialect: Dialect = {
  name: 'clickhouse',
  value(value) {
    return clickhouseLiteral(value);
  },
  identifier(name) {
    return `\`${assertIdentifier(name)}\``;
  },
  inList(expr, values, negated) {
    return `${expr} ${negated ? 'NOT IN' : 'IN'} ${clickhouseTuple(values)}`;
  },
  like(expr, pattern, caseInsensitive) {
    // 18.16 has no ilike; lowerUTF8 on both sides is the portable spelling. LIKE's own `\` escape
    // sits inside the string literal, whose escaping doubles it, so the pattern arrives intact.
    const p = clickhouseString(pattern);
    return caseInsensitive ? `lowerUTF8(${expr}) LIKE lowerUTF8(${p})` : `${expr} LIKE ${p}`;
  },
  nullAsFalse(predicate) {
    return `ifNull(${predicate}, 0)`;
  },
  booleanAsInteger(expr) {
    return expr;
  },
};
