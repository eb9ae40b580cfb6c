/**
 * @module engine/duckdb-events — a relational trial's event tables on the DuckDB engine: loaded (or
 * read in place, as duckdb-load.ts reads any input), validated as src/relational/load.ts validates
 * them, and coded as it codes them.
 *
 * Validation reads aggregates only (distinct values with their first row, counts), then applies the
 * local loader's very checks and messages (exported from relational/load.ts) in the same order: person
 * keys missing or repeated, event keys matching no patient, codes outside the declared system or
 * longer than the declared truncation, dates that do not parse or contradict the declared precision or
 * shift, value columns that are not numbers. Every problem is an input error (exit 2), one line.
 *
 * Codes: each event table's distinct raw codes (release first, then original; each in order of first
 * row) go through relational/load.ts `tableCode` (normalization, truncation, suppressed tokens) in
 * JS; the raw → combined code mapping is uploaded, and each side's code sets — (person row, combined
 * code), distinct — are materialized in DuckDB on first use (duckdb-codesets.ts). The numbering is
 * this engine's own: attacks compare codes across engines by label, never by number.
 *
 * Dates: each distinct date string of a side's event table gets its window at the release's precision
 * in JS (relational/load.ts `dateEntryWindows`: the date itself on the release, widened by a declared
 * shift on the original), and the raw → (lo, hi) mapping is uploaded beside the codes; each side's
 * dated events are materialized in DuckDB on first use (duckdb-trajectory.ts).
 */
import { listNames, q, ReidgateError } from '../errors.js';
import { labelFor } from '../io/file.js';
import {
  checkShift,
  dateEntryWindows,
  type EventTableSpec,
  eventValue,
  parseDateEntries,
  releasePrecision,
  type Side,
  SUPPRESSED_LOCAL,
  type TableCodes,
  tableCode,
} from '../relational/load.js';
import type { DatePrecision } from '../relational/person-view.js';
import type { InputInfo } from '../report/model.js';
import type { Trial } from '../trial/schema.js';
import type { DuckDbEngine, DuckTable } from './duckdb.js';
import { upload } from './duckdb-linkage.js';
import { addTable, type CsvOptions } from './duckdb-load.js';
import { ident } from './duckdb-sql.js';
import { firstKeyProblem } from './duckdb-targets.js';
import type { EventTableCodes, RelationalCodes } from './types.js';

/** One event table on the engine: its files per side and their raw → combined code tables. */
export interface DuckEventTable {
  info: EventTableCodes;
  /** The person key column of this table. */
  key: string;
  /** The code column, if any. */
  code?: string;
  /** The date column, if any, and the release's date precision. */
  date?: string;
  precision: DatePrecision;
  /** Numeric value columns of the release (rare extreme values). */
  values: EventTableSpec['values'];
  /** Per side its loaded table, raw → combined code table, and raw date → (lo, hi) window table. */
  sides: Partial<Record<Side, { table: DuckTable; codeMap?: string; dateMap?: string }>>;
}

/** A relational trial on the engine. */
export interface DuckRelational extends RelationalCodes {
  /** The person key of the person tables. */
  key: string;
  /** Tokens read as a suppressed value (`*` and the --wildcard tokens). */
  suppressed: ReadonlySet<string>;
  events: DuckEventTable[];
}

/** Distinct text values of an expression over a table, each with its first row (0-based), by first row. */
async function distinctFirst(
  engine: DuckDbEngine,
  t: DuckTable,
  column: string,
  doing: string,
): Promise<{ values: string[]; first: number[] }> {
  const rows = await engine.all(
    `SELECT v, first::DOUBLE FROM (SELECT CAST(t.${ident(column)} AS VARCHAR) AS v, min(${t.row}) AS first ` +
      `FROM ${t.relation} AS t WHERE t.${ident(column)} IS NOT NULL GROUP BY 1) ORDER BY first`,
    doing,
  );
  return { values: rows.map((r) => String(r[0])), first: rows.map((r) => r[1] as number) };
}

/** The COLUMN error relational/load.ts raises for a column missing from a loaded table. */
function requireColumn(t: DuckTable, path: string, name: string, what: string): void {
  if (!t.columns.includes(name)) {
    throw new ReidgateError(
      'COLUMN',
      `${what}: column ${q(name)} not in ${path} (columns: ${listNames(t.columns)})`,
    );
  }
}

/** Checks a person table's keys as relational/load.ts personIndex does. */
async function checkPersons(
  engine: DuckDbEngine,
  t: DuckTable,
  path: string,
  key: string,
  side: Side,
): Promise<void> {
  const what = `--key ${q(key)} (${side} person table)`;
  requireColumn(t, path, key, what);
  const p = await firstKeyProblem(engine, t, key, `checking ${what}`);
  if (!p) return;
  if (p.kind === 'none')
    throw new ReidgateError('INPUT_PARSE', `${what}: row ${p.row + 1} of ${path} has no key`);
  throw new ReidgateError(
    'INPUT_PARSE',
    `${what}: rows ${p.first + 1} and ${p.row + 1} of ${path} share a key; a person table has one row per patient`,
  );
}

/** Checks that every event row's key names a patient (relational/load.ts eventPersons). */
async function checkEventKeys(
  engine: DuckDbEngine,
  ev: DuckTable,
  key: string,
  persons: DuckTable,
  personKey: string,
  what: string,
): Promise<void> {
  const [[bad, total, first, value]] = await engine.all(
    `SELECT count(*) FILTER (WHERE p.k IS NULL)::DOUBLE, count(*)::DOUBLE, ` +
      `min(e.r) FILTER (WHERE p.k IS NULL)::DOUBLE, arg_min(e.k, e.r) FILTER (WHERE p.k IS NULL) ` +
      `FROM (SELECT ${ev.row} AS r, CAST(t.${ident(key)} AS VARCHAR) AS k FROM ${ev.relation} AS t) AS e ` +
      `LEFT JOIN (SELECT DISTINCT CAST(t.${ident(personKey)} AS VARCHAR) AS k FROM ${persons.relation} AS t) AS p ON p.k = e.k`,
    `checking the person keys of ${what}`,
  );
  if ((bad as number) > 0) {
    throw new ReidgateError(
      'INPUT_PARSE',
      `${what}: ${bad} of ${total} rows have a key ${q(key)} matching no patient of the person table (first: row ${(first as number) + 1}, key ${q(value === null ? '(missing)' : String(value))})`,
    );
  }
}

/**
 * Loads, checks and codes a relational trial's event tables into the engine.
 * @param engine - the engine with the person tables loaded (roles release and original)
 * @param trial - the resolved trial (with `events` and `key`)
 * @param opts - CSV options of the trial
 * @param progress - called with each file's path as it loads
 * @returns the event files' report entries (`events.NAME.SIDE`), loader warnings, and the tables
 * @throws ReidgateError (exit 2) for any input problem, as relational/load.ts; ENGINE (exit 3)
 */
export async function loadDuckEvents(
  engine: DuckDbEngine,
  trial: Trial,
  opts: CsvOptions,
  progress: (detail: string) => void,
): Promise<{ info: Record<string, InputInfo>; warnings: string[]; relational: DuckRelational }> {
  const key = trial.key!;
  const specs: readonly EventTableSpec[] = trial.events ?? [];
  const suppressed: ReadonlySet<string> = new Set(['*', ...trial.wildcard]);
  const persons: Partial<Record<Side, { table: DuckTable; path: string }>> = {};
  for (const side of ['release', 'original'] as const) {
    const t = engine.tables.get(side);
    const path = trial[side];
    if (!t || !path) continue;
    persons[side] = { table: t, path };
    await checkPersons(engine, t, path, key, side);
  }
  const info: Record<string, InputInfo> = {};
  const warnings: string[] = [];
  const events: DuckEventTable[] = [];
  const labels: string[] = [];
  let base = 0;
  for (const [i, spec] of specs.entries()) {
    if (spec.original && !persons.original) {
      throw new ReidgateError(
        'USAGE',
        `events ${q(spec.name)}: has an original file but the trial has no original person table (original:)`,
      );
    }
    const dict: TableCodes = { index: new Map(), labels: [] };
    const raw: Partial<Record<Side, { values: string[]; codes: number[] }>> = {};
    const sides: DuckEventTable['sides'] = {};
    let precision: DatePrecision = spec.datePrecision ?? 'day';
    let releaseRange: [number, number] | undefined;
    const evKey = spec.key ?? key;
    for (const side of ['release', 'original'] as const) {
      const path = spec[side];
      const people = persons[side];
      if (!path || !people) continue;
      progress(path);
      const what = `events ${q(spec.name)} (${side} ${path})`;
      const added = await addTable(
        engine,
        `events_${i}_${side}`,
        path,
        labelFor(path, `events ${spec.name} (${side})`),
        opts,
      );
      info[`events.${spec.name}.${side}`] = added.info;
      warnings.push(...added.warnings);
      const t = added.table;
      sides[side] = { table: t };
      requireColumn(t, path, evKey, what);
      await checkEventKeys(engine, t, evKey, people.table, key, what);
      if (spec.code) {
        requireColumn(t, path, spec.code, what);
        const d = await distinctFirst(engine, t, spec.code, `reading the codes of ${what}`);
        const col = spec.code;
        raw[side] = {
          values: d.values,
          codes: d.values.map((v, c) =>
            tableCode(
              v,
              spec,
              side,
              dict,
              suppressed,
              () => `${what}: row ${d.first[c] + 1}, column ${q(col)}`,
            ),
          ),
        };
      }
      if (spec.date) {
        requireColumn(t, path, spec.date, what);
        const d = await distinctFirst(engine, t, spec.date, `reading the dates of ${what}`);
        const dates = parseDateEntries(d.values, (c) => d.first[c] + 1, spec, suppressed, what);
        if (side === 'release') precision = releasePrecision(spec, dates, what);
        const w = dateEntryWindows(dates, precision, spec.dateShift, side, spec, what);
        if (side === 'release') releaseRange = [w.min, w.max];
        else if (releaseRange && Number.isFinite(w.min))
          checkShift(spec, releaseRange, dates, precision, what);
        // Each distinct date's window at the release precision (relational/load.ts dateWindows).
        const kept = d.values.map((_, c) => c).filter((c) => dates.parsed[c] !== null);
        const name = `rg_datemap_${i}_${side}`;
        try {
          await upload(engine.conn, name, [
            ['raw', 'VARCHAR', kept.map((c) => d.values[c])],
            ['lo', 'INTEGER', kept.map((c) => w.perLo[c])],
            ['hi', 'INTEGER', kept.map((c) => w.perHi[c])],
          ]);
        } catch (e) {
          throw engine.failure(e, `uploading the dates of events ${q(spec.name)}`);
        }
        sides[side].dateMap = name;
      }
      if (side === 'release') {
        for (const v of spec.values) {
          requireColumn(t, path, v.name, what);
          const d = await distinctFirst(engine, t, v.name, `reading ${v.name} of ${what}`);
          for (const [c, x] of d.values.entries())
            eventValue(x, suppressed, () => d.first[c] + 1, v.name, what);
        }
      }
    }
    const supp = base + dict.labels.length;
    for (const side of ['release', 'original'] as const) {
      const r = raw[side];
      const s = sides[side];
      if (!r || !s) continue;
      const kept = r.values.map((_, c) => c).filter((c) => r.codes[c] !== -1);
      const name = `rg_codemap_${i}_${side}`;
      try {
        await upload(engine.conn, name, [
          ['raw', 'VARCHAR', kept.map((c) => r.values[c])],
          ['code', 'INTEGER', kept.map((c) => (r.codes[c] === SUPPRESSED_LOCAL ? supp : base + r.codes[c]))],
        ]);
      } catch (e) {
        throw engine.failure(e, `uploading the codes of events ${q(spec.name)}`);
      }
      s.codeMap = name;
    }
    events.push({
      info: {
        name: spec.name,
        base,
        codes: dict.labels.length,
        suppressed: supp,
        dated: spec.date !== undefined && spec.code !== undefined,
        precision,
        shiftDays: spec.dateShift,
      },
      key: evKey,
      code: spec.code,
      date: spec.date,
      precision,
      values: spec.values,
      sides,
    });
    labels.push(...dict.labels, '*');
    base += dict.labels.length + 1;
  }
  const original = persons.original !== undefined && specs.some((s) => s.original);
  return {
    info,
    warnings,
    relational: { key, suppressed, events, tables: events.map((e) => e.info), labels, original },
  };
}
