/**
 * @module run/examples — `--include-examples`: the one path by which raw record values enter a report.
 *
 * What is worth showing a reviewer is the groups an attacker singles out most easily: the released
 * quasi-identifier values of the smallest equivalence classes (from the uniqueness attack's per-record class
 * sizes), with each class's size. These are values of the *release* the data holder is about to publish, never of
 * the original or control data, and only the QI columns (no sensitive attribute). The caller must mark the report
 * `containsRecordValues: true`.
 */
import type { Table } from 'apache-arrow';
import type { ReportTable } from '../report/model.js';

/** Classes shown by default. */
export const EXAMPLE_CLASSES = 10;

/** Printable text of one cell; missing values print as "(missing)". */
function cellText(table: Table, column: string, row: number): string {
  const v = table.getChild(column)?.get(row);
  if (v === null || v === undefined) return '(missing)';
  return typeof v === 'bigint' ? v.toString() : String(v);
}

/**
 * The riskiest equivalence classes of the release with their released QI values.
 * @param release - the release table as loaded
 * @param qi - QI column names, in trial order
 * @param classSize - per release row, its class size (from the uniqueness attack)
 * @param max - classes to show (default {@link EXAMPLE_CLASSES})
 * @returns a table (QI values, class size, first row) of up to `max` classes, smallest first (ties by first row);
 *   null when there is nothing to show
 */
export function riskiestClasses(
  release: Table,
  qi: readonly string[],
  classSize: ArrayLike<number>,
  max = EXAMPLE_CLASSES,
): ReportTable | null {
  const n = classSize.length;
  if (n === 0 || max <= 0) return null;
  // Smallest sizes first: count rows per (integer) size, find the size that covers `max` classes.
  const sizes = [...new Set(Array.from(classSize))].sort((a, b) => a - b);
  const picked: number[] = [];
  const seen = new Set<string>();
  for (const s of sizes) {
    for (let i = 0; i < n && picked.length < max; i++) {
      if (classSize[i] !== s) continue;
      const key = JSON.stringify(qi.map((c) => cellText(release, c, i)));
      if (seen.has(key)) continue;
      seen.add(key);
      picked.push(i);
    }
    if (picked.length >= max) break;
  }
  return {
    title: 'Riskiest groups: released quasi-identifier values',
    note: 'Record values (--include-examples). Smallest groups first; "class size" is the number of release records sharing these values, "row" the 0-based release row of the first of them.',
    columns: [...qi, 'class size', 'row'],
    rows: picked.map((i) => [...qi.map((c) => cellText(release, c, i)), classSize[i], i]),
  };
}
