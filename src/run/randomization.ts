/**
 * @module run/randomization — the trial's declared randomization (`randomization:` in the trial file)
 * checked against the inputs and turned into channels over the joint dictionary codes.
 *
 * Runs at the boundary, before any attack: every problem is an input error (exit 2) whose one-line
 * message names the column — a column that is neither a QI nor a sensitive attribute, noise declared
 * on a non-numeric column (or PRAM / randomized response on a numeric one), a scale ≤ 0, a PRAM matrix
 * whose rows do not sum to 1 (within 1e-6), with a probability outside [0, 1], or whose categories do
 * not cover the column's values (rows: every value of the original and the control; columns: every
 * value of the release), and randomized-response categories that miss a value.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Channel } from '../../attacks/types.js';
import type { EncodedTable } from '../encode/types.js';
import { listNames, q, ReidgateError } from '../errors.js';
import type { RandomizationEntry, Trial } from '../trial/schema.js';

/** Tolerance on a PRAM row's sum. */
export const ROW_SUM_TOLERANCE = 1e-6;

type Tables = Partial<Record<'release' | 'original' | 'control' | 'auxiliary', EncodedTable>>;

const fail = (column: string, what: string) => new ReidgateError('TRIAL', `randomization.${column}: ${what}`);

/** A PRAM matrix as labels and probabilities (rows = original category, columns = released). */
interface LabelledMatrix {
  rows: string[];
  cols: string[];
  p: number[][];
  source: string;
}

function readMatrixFile(path: string, column: string): LabelledMatrix {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    throw new ReidgateError(
      'INPUT_NOT_FOUND',
      `randomization.${column}: cannot read the PRAM matrix ${path}`,
    );
  }
  let cells: string[][];
  try {
    cells = parse(text, { trim: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    throw fail(column, `PRAM matrix ${path} is not valid CSV (${(e as Error).message.split('\n')[0]})`);
  }
  if (cells.length < 2 || cells[0].length < 2) {
    throw fail(
      column,
      `PRAM matrix ${path}: expected a header row (corner label, released categories) and one row per original category`,
    );
  }
  const cols = cells[0].slice(1);
  const rows: string[] = [];
  const p = cells.slice(1).map((line, i) => {
    rows.push(line[0]);
    return line.slice(1).map((v) => {
      const x = v === '' ? Number.NaN : Number(v);
      if (!Number.isFinite(x)) {
        throw fail(column, `PRAM matrix ${path} row ${i + 2}: ${q(v)} is not a probability`);
      }
      return x;
    });
  });
  return { rows, cols, p, source: `PRAM matrix ${path}` };
}

function inlineMatrix(m: Record<string, Record<string, number>>): LabelledMatrix {
  const rows = Object.keys(m);
  const cols = [...new Set(rows.flatMap((r) => Object.keys(m[r])))];
  return { rows, cols, p: rows.map((r) => cols.map((c) => m[r][c] ?? 0)), source: 'PRAM matrix' };
}

/** Codes of column `name` present in the given tables. */
function seenCodes(tables: readonly (EncodedTable | undefined)[], name: string, size: number): Uint8Array {
  const seen = new Uint8Array(size);
  for (const t of tables) {
    const c = t?.columns.get(name);
    if (c) for (const v of c.codes) if (v >= 0) seen[v] = 1;
  }
  return seen;
}

function firstMissing(seen: Uint8Array, dict: readonly string[], have: Set<string>): string | undefined {
  for (let c = 0; c < seen.length; c++) if (seen[c] && !have.has(dict[c])) return dict[c];
  return undefined;
}

function pramChannel(column: string, m: LabelledMatrix, dict: readonly string[], tables: Tables): Channel {
  const dupRow = m.rows.find((r, i) => m.rows.indexOf(r) !== i);
  if (dupRow !== undefined) throw fail(column, `${m.source}: original category ${q(dupRow)} appears twice`);
  const dupCol = m.cols.find((r, i) => m.cols.indexOf(r) !== i);
  if (dupCol !== undefined) throw fail(column, `${m.source}: released category ${q(dupCol)} appears twice`);
  m.p.forEach((row, i) => {
    if (row.length !== m.cols.length) {
      throw fail(
        column,
        `${m.source}: row ${q(m.rows[i])} has ${row.length} probabilities for ${m.cols.length} categories`,
      );
    }
    const bad = row.find((x) => !(x >= 0 && x <= 1));
    if (bad !== undefined)
      throw fail(column, `${m.source}: row ${q(m.rows[i])} holds ${bad}, not a probability`);
    const sum = row.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      throw fail(
        column,
        `${m.source}: row ${q(m.rows[i])} sums to ${sum}, not 1 (tolerance ${ROW_SUM_TOLERANCE})`,
      );
    }
  });
  const size = dict.length;
  const inTrue = seenCodes([tables.original, tables.control], column, size);
  const inRelease = seenCodes([tables.release], column, size);
  const missRow = firstMissing(inTrue, dict, new Set(m.rows));
  if (missRow !== undefined) {
    throw fail(column, `${m.source} has no row for the value ${q(missRow)} found in the original or control`);
  }
  const missCol = firstMissing(inRelease, dict, new Set(m.cols));
  if (missCol !== undefined) {
    throw fail(column, `${m.source} has no column for the value ${q(missCol)} found in the release`);
  }
  const rowOf = new Map(m.rows.map((r, i) => [r, i]));
  const colOf = new Map(m.cols.map((c, j) => [c, j]));
  const matrix = new Float64Array(size * size);
  for (let a = 0; a < size; a++) {
    const i = rowOf.get(dict[a]);
    if (i === undefined) continue;
    for (let b = 0; b < size; b++) {
      const j = colOf.get(dict[b]);
      if (j !== undefined) matrix[a * size + b] = m.p[i][j];
    }
  }
  return { kind: 'categorical', method: 'pram', size, matrix };
}

function responseChannel(
  column: string,
  r: Extract<RandomizationEntry, { method: 'randomized-response' }>,
  dict: readonly string[],
  tables: Tables,
): Channel {
  const size = dict.length;
  if (r.categories) {
    const miss = firstMissing(
      seenCodes([tables.release, tables.original, tables.control], column, size),
      dict,
      new Set(r.categories),
    );
    if (miss !== undefined)
      throw fail(column, `categories do not include the value ${q(miss)} found in the inputs`);
  }
  const K = Math.max(r.categories ? new Set(r.categories).size : size, 1);
  if (K < 2) throw fail(column, 'randomized response needs at least 2 categories');
  const matrix = new Float64Array(size * size);
  for (let a = 0; a < size; a++) {
    for (let b = 0; b < size; b++) {
      matrix[a * size + b] =
        r.keep !== undefined
          ? (a === b ? r.keep : 0) + (1 - r.keep) / K
          : a === b
            ? 1 - r.flip!
            : r.flip! / (K - 1);
    }
  }
  return { kind: 'categorical', method: 'randomized-response', size, matrix };
}

/**
 * Resolves the trial's randomization against the encoded inputs.
 * @param trial - the trial (QI and sensitive kinds, the declarations)
 * @param tables - the jointly encoded inputs (equal values, equal codes)
 * @returns channels by column, or undefined when nothing is declared
 * @throws ReidgateError (exit 2) naming the column for any declaration that does not fit its column
 */
export function resolveRandomization(trial: Trial, tables: Tables): Map<string, Channel> | undefined {
  if (!trial.randomization) return undefined;
  const out = new Map<string, Channel>();
  const columns = [...trial.qi, ...trial.sensitive];
  for (const [column, r] of Object.entries(trial.randomization)) {
    const spec = columns.find((c) => c.name === column);
    if (!spec) {
      throw fail(
        column,
        `not a quasi-identifier or sensitive attribute (declared: ${listNames(columns.map((c) => c.name))})`,
      );
    }
    const dict = tables.release?.dictionaries.get(column) ?? [];
    if (r.method === 'laplace' || r.method === 'gaussian') {
      if (spec.kind !== 'numeric') {
        throw fail(
          column,
          `${r.method} noise needs a numeric column, but ${q(column)} is ${spec.kind} (declare it ${column}:numeric)`,
        );
      }
      if (!(r.scale > 0 && Number.isFinite(r.scale))) throw fail(column, `scale ${r.scale} must be > 0`);
      out.set(column, { kind: 'noise', method: r.method, scale: r.scale });
      continue;
    }
    if (spec.kind !== 'categorical') {
      throw fail(column, `${r.method} needs a categorical column, but ${q(column)} is ${spec.kind}`);
    }
    if (r.method === 'pram') {
      const m = typeof r.matrix === 'string' ? readMatrixFile(r.matrix, column) : inlineMatrix(r.matrix);
      out.set(column, pramChannel(column, m, dict, tables));
    } else {
      out.set(column, responseChannel(column, r, dict, tables));
    }
  }
  return out;
}
