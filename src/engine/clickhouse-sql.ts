/**
 * @module engine/clickhouse-sql — SQL text for the ClickHouse engine, in the dialect of ClickHouse
 * 18.16 (Debian's package): no window functions, no `IS NOT DISTINCT FROM`, joins only as
 * `ANY|ALL INNER|LEFT JOIN … USING`, where NULL keys never match.
 *
 * Value encoding (what makes those joins exact): every grouped value is a non-null String key —
 * `''` for a missing value and `'+' || value` for a present one — so missing is its own value,
 * equal only to missing, and a key join is null-safe. Loaded inputs are stored already encoded;
 * a table used in place is encoded on the fly by `keyExprOf` from its column type.
 */

/** Quotes an identifier for ClickHouse: `` `name` `` with backslash escapes. */
export function chIdent(name: string): string {
  return `\`${name.replace(/[\\`]/g, (c) => `\\${c}`)}\``;
}

/** Quotes a string literal for ClickHouse: `'text'` with backslash escapes. */
export function chLit(s: string): string {
  return `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** The stored key of a present value. */
export function presentKey(value: string): string {
  return `+${value}`;
}

/**
 * The encoded key of a column of a table used in place, from its ClickHouse type: Nullable columns
 * map NULL to `''`, every value to `'+' || toString(value)` (strings as they are; numbers by value).
 */
export function keyExprOf(column: string, type: string): string {
  const c = chIdent(column);
  if (type.startsWith('Nullable(')) {
    const inner = type === 'Nullable(String)' ? `assumeNotNull(${c})` : `toString(assumeNotNull(${c}))`;
    return `if(isNull(${c}), '', concat('+', ${inner}))`;
  }
  return type === 'String' ? `concat('+', ${c})` : `concat('+', toString(${c}))`;
}

/** Names of the engine's own columns (never a stored column: those are `c0`, `c1`, …). */
export const ROW = '__rg_row';
export const ROWS = '__rg_rows';
export const N = '__rg_n';
export const MASK = '__rg_mask';
export const SUM = '__rg_sum';
export const SIZE = '__rg_size';

/** The wildcard key `'*'` standing for every wildcard token. */
export const WILDCARD_KEY = "'*'";

/** A key with every wildcard token replaced by WILDCARD_KEY. */
export function wildcardKeySql(key: string, tokens: readonly string[]): string {
  const list = tokens.map((t) => chLit(presentKey(t))).join(', ');
  return `if(${key} IN (${list}), ${WILDCARD_KEY}, ${key})`;
}

/** Bit j of a key tuple's wildcard pattern: whether key j (made by wildcardKeySql) is the wildcard. */
export function wildcardMaskSql(keys: readonly string[]): string {
  return keys.map((k, j) => `if(${k} = ${WILDCARD_KEY}, ${2 ** j}, 0)`).join(' + ');
}

/**
 * For the tuples of pattern P in `groups`: the summed counts of the tuples of pattern Q that agree
 * with them on the keys wild in neither (`free`). One part of the compatible-set sum (see
 * attacks/uniqueness/wildcard.ts): an ANY INNER JOIN on the free keys against Q pre-aggregated on them
 * (unique on the join keys, so ANY loses nothing); with no free key, Q's total.
 */
export function compatiblePartSql(
  groups: string,
  keys: readonly string[],
  free: readonly string[],
  P: number,
  Q: number,
): string {
  const list = keys.join(', ');
  if (free.length === 0)
    return `SELECT ${list}, (SELECT sum(${N}) FROM ${groups} WHERE ${MASK} = ${Q}) AS ${SUM} FROM ${groups} WHERE ${MASK} = ${P}`;
  const f = free.join(', ');
  return (
    `SELECT ${list}, ${SUM} FROM (SELECT ${list} FROM ${groups} WHERE ${MASK} = ${P}) ` +
    `ANY INNER JOIN (SELECT ${f}, sum(${N}) AS ${SUM} FROM ${groups} WHERE ${MASK} = ${Q} GROUP BY ${f}) USING ${f}`
  );
}

/** reidgate's reading of a decimal number (as duckdb-sql.ts numberSql): optional sign, digits, exponent. */
const DECIMAL = "'^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$'";

/** 10^k as an exact Float64 for 0 ≤ k ≤ 22 (a product of two exact powers whose result is representable). */
function pow10Sql(k: string): string {
  return `(toFloat64(intExp10(least(${k}, 11))) * toFloat64(intExp10(greatest(${k} - 11, 0))))`;
}

/**
 * A stored key as a number the way reidgate's loader reads the text (`Number(text.trim())`), or NULL
 * when it is missing or not a decimal number. ClickHouse 18.16's own float parsing is not correctly
 * rounded (it misreads e.g. `1.84` in the last bit), so numbers with at most 15 significant digits and
 * a decimal exponent within ±22 are computed exactly as integer mantissa × or ÷ an exact power of ten
 * (one IEEE operation on exact operands: correctly rounded, as JavaScript reads them); longer numbers
 * fall back to ClickHouse's parser and may differ from JavaScript in the last bit.
 */
export function numberSql(key: string): string {
  const s = `replaceRegexpAll(substring(${key}, 2), '^\\\\s+|\\\\s+$', '')`;
  const mant = `extract(${s}, '^[+-]?([0-9]*[.]?[0-9]*)')`;
  const digits = `replaceRegexpOne(replaceOne(${mant}, '.', ''), '^0+', '')`;
  const frac = `if(position(${mant}, '.') = 0, 0, length(${mant}) - position(${mant}, '.'))`;
  const expText = `extract(${s}, '[eE]([+-]?[0-9]+)$')`;
  const e10 = `(toInt64OrZero(${expText}) - ${frac})`;
  const m = `toFloat64(toUInt64OrZero(${digits}))`;
  const sign = `if(substring(${s}, 1, 1) = '-', -1., 1.)`;
  const exact = `${sign} * if(${e10} >= 0, ${m} * ${pow10Sql(e10)}, ${m} / ${pow10Sql(`-${e10}`)})`;
  const fast = `length(${digits}) <= 15 AND length(${expText}) <= 5 AND ${e10} BETWEEN -22 AND 22`;
  return `if(match(${s}, ${DECIMAL}), if(${fast}, ${exact}, toFloat64OrNull(${s})), NULL)`;
}
