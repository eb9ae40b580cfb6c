/**
 * @module io/check-table — the checks every decoded Arrow/Parquet table passes before it is returned:
 * it has columns and rows, no two columns share a name, and empty names get `column_<n>`.
 */
import { Table, type Vector } from 'apache-arrow';
import { q, ReidgateError } from '../errors.js';

/**
 * Validates a decoded table and names unnamed columns.
 * @param table - the decoded table
 * @param label - the input's label for messages
 * @param kind - the format's name for messages ("Arrow IPC", "Parquet")
 * @returns the table (rebuilt only when a column had to be renamed) and warnings
 * @throws ReidgateError('INPUT_EMPTY') with no columns or no rows; ReidgateError('COLUMN') on a
 *   duplicate column name
 */
export function checkTable(table: Table, label: string, kind: string): { table: Table; warnings: string[] } {
  const fields = table.schema.fields;
  if (fields.length === 0) throw new ReidgateError('INPUT_EMPTY', `${label}: ${kind} file has no columns`);
  if (table.numRows === 0) {
    throw new ReidgateError('INPUT_EMPTY', `${label}: ${kind} file has a schema but no records (0 rows)`);
  }
  const warnings: string[] = [];
  const names = fields.map((f) => f.name);
  let renamed = false;
  const seen = new Map<string, number>();
  for (let i = 0; i < names.length; i++) {
    if (names[i].trim() === '') {
      names[i] = `column_${i + 1}`;
      renamed = true;
      warnings.push(`${label}: column ${i + 1} has an empty name; named it ${names[i]}`);
    }
    const prev = seen.get(names[i]);
    if (prev !== undefined) {
      throw new ReidgateError(
        'COLUMN',
        `${label}: duplicate column name ${q(names[i])} (columns ${prev + 1} and ${i + 1})`,
      );
    }
    seen.set(names[i], i);
  }
  if (!renamed) return { table, warnings };
  // fromEntries defines own properties, so even a column named `__proto__` survives.
  const columns: Record<string, Vector> = Object.fromEntries(
    names.map((name, i) => [name, table.getChildAt(i) as Vector]),
  );
  return { table: new Table(columns), warnings };
}
