/**
 * @module run/population — what the trial knows of the population, validated and prepared for attacks.
 *
 * --population N and --sampling-fraction f give the population size (N = n / f); --weights COL gives
 * per-record sampling weights; --population-table FILE gives exact population class sizes by joining
 * the release's QI values with the table's (a `count` column, if present, weights each table row).
 */
import type { PopulationKnowledge } from '../../attacks/types.js';
import { sharedFloat64 } from '../encode/encode.js';
import type { EncodedTable } from '../encode/types.js';
import type { Engine } from '../engine/types.js';
import { listNames, q, ReidgateError } from '../errors.js';
import { loadTable } from '../io/index.js';
import type { LoadedTable } from '../io/types.js';
import type { Trial } from '../trial/schema.js';

/** Reads a column of a loaded table as numbers (null → NaN). */
function numbersOf(t: LoadedTable, name: string): Float64Array {
  const vec = t.table.getChild(name)!;
  const out = sharedFloat64(t.table.numRows);
  let i = 0;
  for (const v of vec) {
    out[i++] =
      v === null || v === undefined || String(v).trim() === '' ? Number.NaN : Number(String(v).trim());
  }
  return out;
}

/** Joins row values of `cols` into one key string (unit separator; values cannot contain it in practice). */
function rowKeys(t: LoadedTable, cols: readonly string[]): string[] {
  const vecs = cols.map((c) => t.table.getChild(c)!);
  const n = t.table.numRows;
  const keys = new Array<string>(n);
  const parts = cols.map((_, j) => {
    const out = new Array<string>(n);
    let i = 0;
    for (const v of vecs[j]) out[i++] = v === null || v === undefined ? '\u0000' : String(v);
    return out;
  });
  for (let i = 0; i < n; i++) keys[i] = parts.map((p) => p[i]).join('\u001f');
  return keys;
}

/**
 * Builds the population knowledge for a trial, or undefined when it gives none.
 * @param trial - the resolved trial
 * @param release - the loaded release (for the weights column and the population-table join)
 * @param encoded - the encoded release (for its row count)
 * @throws ReidgateError('USAGE') for a population smaller than the release; ('COLUMN') for a missing
 *   weights column or a population table lacking QI columns; ('INPUT_PARSE') for bad weights
 */
export async function resolvePopulation(
  trial: Trial,
  release: LoadedTable,
  encoded: EncodedTable,
): Promise<PopulationKnowledge | undefined> {
  const n = encoded.rows;
  // --population or --sampling-fraction set the size; else a population table does.
  let pop = sizeKnowledge(trial, n);
  if (!pop && trial.populationTable !== undefined) {
    const table = await loadTable(trial.populationTable, {
      role: '--population-table',
      missing: trial.missing,
      delimiter: trial.delimiter,
    });
    const cols = table.table.schema.fields.map((f) => f.name);
    const absent = trial.qi.map((x) => x.name).filter((c) => !cols.includes(c));
    if (absent.length > 0) {
      throw new ReidgateError(
        'COLUMN',
        `--population-table ${table.path}: lacks the quasi-identifier column${absent.length > 1 ? 's' : ''} ${absent.map((a) => q(a)).join(', ')} (columns: ${listNames(cols)})`,
      );
    }
    const countCol = cols.find((c) => c === 'count' || c === 'n');
    const counts = countCol ? numbersOf(table, countCol) : undefined;
    if (counts) {
      const bad = counts.findIndex((c) => !(c >= 0) || !Number.isFinite(c));
      if (bad >= 0) {
        throw new ReidgateError(
          'INPUT_PARSE',
          `--population-table ${table.path}: column ${q(countCol)} row ${bad + 1} is not a count ≥ 0`,
        );
      }
    }
    const qiNames = trial.qi.map((x) => x.name);
    const sizes = new Map<string, number>();
    const popKeys = rowKeys(table, qiNames);
    let total = 0;
    popKeys.forEach((k, i) => {
      const c = counts ? counts[i] : 1;
      sizes.set(k, (sizes.get(k) ?? 0) + c);
      total += c;
    });
    if (total < n) {
      throw new ReidgateError(
        'USAGE',
        `--population-table ${table.path}: holds ${total} people, fewer than the release's ${n} records`,
      );
    }
    const relKeys = rowKeys(release, qiNames);
    const populationClassSize = sharedFloat64(n);
    for (let i = 0; i < n; i++) populationClassSize[i] = sizes.get(relKeys[i]) ?? 0;
    pop = { size: total, samplingFraction: n / total, populationClassSize, source: 'population-table' };
  }
  if (trial.weights !== undefined) {
    const cols = release.table.schema.fields.map((f) => f.name);
    if (!cols.includes(trial.weights)) {
      throw new ReidgateError(
        'COLUMN',
        `--weights: column ${q(trial.weights)} not in release ${release.path} (columns: ${listNames(cols)})`,
      );
    }
    const weights = numbersOf(release, trial.weights);
    const bad = weights.findIndex((w) => !(w > 0) || !Number.isFinite(w));
    if (bad >= 0) throw badWeight(trial.weights, bad, Number.isNaN(weights[bad]));
    const size = weights.reduce((a, w) => a + w, 0);
    pop = {
      ...(pop ?? { size, samplingFraction: n / size }),
      weights,
      weightsColumn: trial.weights,
      weightSum: size,
      source: pop?.source ?? 'weights',
    };
  }
  return pop;
}

/** The error for a weight that is not a finite number > 0 (`row`: 0-based data row). */
function badWeight(column: string, row: number, notANumber: boolean): ReidgateError {
  return new ReidgateError(
    'INPUT_PARSE',
    `--weights: column ${q(column)} row ${row + 1} is ${notANumber ? 'blank or not a number' : 'not positive'}; sampling weights must be numbers > 0`,
  );
}

/** Knowledge from --population N or --sampling-fraction f alone, or undefined. */
function sizeKnowledge(trial: Trial, n: number): PopulationKnowledge | undefined {
  if (trial.population !== undefined) {
    if (trial.population < n) {
      throw new ReidgateError(
        'USAGE',
        `--population ${trial.population}: smaller than the release (${n.toLocaleString('en-US')} records); a release cannot hold more people than its population`,
      );
    }
    return { size: trial.population, samplingFraction: n / trial.population, source: 'population' };
  }
  if (trial.samplingFraction !== undefined) {
    return {
      size: n / trial.samplingFraction,
      samplingFraction: trial.samplingFraction,
      source: 'sampling-fraction',
    };
  }
  return undefined;
}

/**
 * The population knowledge of a trial on an engine other than local (DuckDB, ClickHouse): the weights column stays in the engine
 * (checked and summed there, as the local loader reads it); a --population-table is not read here
 * (the population attack joins it on the local engine only and is skipped, saying so).
 * @param trial - the resolved trial
 * @param engine - the engine holding the release
 * @throws ReidgateError as resolvePopulation
 */
export async function resolvePopulationOnEngine(
  trial: Trial,
  engine: Engine,
): Promise<PopulationKnowledge | undefined> {
  const n = engine.rows('release');
  const pop = sizeKnowledge(trial, n);
  if (trial.weights === undefined) return pop;
  if (!engine.positiveNumbers) {
    // An engine that does not check or sum weights runs no attack that reads them: the population
    // attack is skipped there, saying so, and the verdict fails closed.
    return { ...pop, weightsColumn: trial.weights, source: pop?.source ?? 'weights' };
  }
  const { sum, bad } = await engine.positiveNumbers('release', trial.weights);
  if (bad) throw badWeight(trial.weights, bad.row, bad.notANumber);
  return {
    ...(pop ?? { size: sum, samplingFraction: n / sum }),
    weightsColumn: trial.weights,
    weightSum: sum,
    source: pop?.source ?? 'weights',
  };
}
