/**
 * @module datasets/cohort/claims — claims-scale benchmark data: the synthetic cohort (generate.ts) as one flat
 * table with one row per event (issue 8, "Scale and speed").
 *
 * Columns: `pid,sex,birth_ym,pref,muni,date,kind,code` — the patient's demographics (the quasi-identifiers of a
 * claims release) repeated on each of their events, the event's date (`YYYY-MM-DD`), its kind (`dx` diagnosis,
 * `rx` prescription) and its code (ICD-10 or ATC). Checkups are left out (claims carry no checkup values). Rows
 * come patient by patient in `pid` order, each patient's events by date, then kind, then code.
 *
 * Patients are drawn exactly as generate.ts draws them (same seeded stream, same model: all of Japan), so a
 * claims table of N rows is a prefix of the one of M > N rows; the last patient is cut short so that the table
 * holds exactly `rows` rows. Output, bounded memory at any size:
 * - `--format csv`: OUT/claims.csv, streamed;
 * - `--format parquet` (default): OUT/claims.parquet. Rows are written as CSV chunks of `--chunk` rows to a
 *   temporary folder under OUT; an embedded DuckDB converts each chunk to a Parquet part while the next one is
 *   drawn, then concatenates the parts in order into one file (every column VARCHAR, as released; snappy). The
 *   temporary folder is removed.
 *
 * Usage: `npm run cohort:claims -- --rows 1e8 --out DIR [--seed 1] [--format parquet|csv] [--chunk 5e6]`.
 * Generated data of this size is never committed.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { deriveSeed, rng } from '../../src/stats/random.js';
import { DATES, drawPatient, loadModel, Sink, sortedUnique } from './generate.js';

/** Header of the claims table. */
export const CLAIMS_HEADER = 'pid,sex,birth_ym,pref,muni,date,kind,code';

/** Options of one claims run. */
export interface ClaimsOptions {
  /** Event rows to write (exactly). */
  rows: number;
  seed: number;
  out: string;
  format: 'csv' | 'parquet';
  /** Rows per CSV chunk converted to a Parquet part (parquet only; default 5,000,000). */
  chunk?: number;
}

/** What a run wrote. */
export interface ClaimsResult {
  file: string;
  rows: number;
  /** Patients drawn (the last one possibly cut short). */
  patients: number;
}

/** Quotes a SQL string literal. */
const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** read_csv over a chunk: explicit VARCHAR columns, nothing sniffed (no value is empty, quoted or has a comma). */
function readChunkSql(file: string): string {
  const cols = CLAIMS_HEADER.split(',')
    .map((c) => `'${c}': 'VARCHAR'`)
    .join(', ');
  return `read_csv(${lit(file)}, header = true, auto_detect = false, delim = ',', columns = {${cols}})`;
}

/**
 * One patient's claim lines: dx and rx events merged by (date, kind, code); at most `max` of them.
 * @returns the text and the number of lines
 */
function claimLines(demo: string, dx: Array<[number, string]>, rx: Array<[number, string]>, max: number) {
  const events: Array<[number, string]> = [
    ...sortedUnique(dx).map(([d, c]): [number, string] => [d, `dx,${c}`]),
    ...sortedUnique(rx).map(([d, c]): [number, string] => [d, `rx,${c}`]),
  ];
  const sorted = sortedUnique(events);
  const n = Math.min(max, sorted.length);
  let text = '';
  for (let i = 0; i < n; i++) text += `${demo},${DATES[sorted[i][0]]},${sorted[i][1]}\n`;
  return { text, n };
}

/**
 * Writes a claims table of exactly `opts.rows` rows into `opts.out` (created if missing).
 * @returns the file written, its rows and the patients drawn
 */
export async function generateClaims(opts: ClaimsOptions): Promise<ClaimsResult> {
  if (!Number.isInteger(opts.rows) || opts.rows < 1)
    throw new Error(`--rows: expected a positive integer, got ${opts.rows}`);
  const chunkRows = opts.chunk ?? 5_000_000;
  if (!Number.isInteger(chunkRows) || chunkRows < 1)
    throw new Error(`--chunk: expected a positive integer, got ${chunkRows}`);
  mkdirSync(opts.out, { recursive: true });
  const model = loadModel();
  // The cohort generator's stream: the same seed draws the same patients.
  const random = rng(deriveSeed(opts.seed, 'cohort'));
  // `P` + 7 digits as in FORMAT.md while rows / 10 fits (every size up to 10^8 rows: ~17 rows per patient),
  // so a smaller table's pids are those of a larger one's prefix.
  const width = Math.max(7, String(Math.ceil(opts.rows / 10)).length);
  const final = join(opts.out, opts.format === 'csv' ? 'claims.csv' : 'claims.parquet');
  const parquet = opts.format === 'parquet';
  const tmp = join(opts.out, '.claims-parts');
  let db: DuckDBInstance | undefined;
  if (parquet) {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    db = await DuckDBInstance.create(':memory:', {
      threads: '1',
      memory_limit: '1GB',
      temp_directory: join(tmp, 'spill'),
      preserve_insertion_order: 'true',
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
  }
  const conn = db ? await db.connect() : undefined;
  const parts: string[] = [];
  let pending: Promise<void> | null = null;
  /** Converts a finished chunk to a Parquet part (in the background), then deletes the chunk. */
  const convert = async (csv: string) => {
    const part = join(tmp, `part-${String(parts.length).padStart(5, '0')}.parquet`);
    parts.push(part);
    const previous = pending;
    pending = (async () => {
      await previous;
      await conn!.run(`COPY (SELECT * FROM ${readChunkSql(csv)}) TO ${lit(part)} (FORMAT parquet)`);
      rmSync(csv, { force: true });
    })();
    // At most one chunk waits while the next is drawn: disk use stays at two chunks.
    if (previous) await previous;
  };

  let written = 0;
  let patients = 0;
  let inChunk = 0;
  let file = new Sink(parquet ? join(tmp, `chunk-${parts.length}.csv`) : final, CLAIMS_HEADER);
  try {
    while (written < opts.rows) {
      patients++;
      const pid = `P${String(patients).padStart(width, '0')}`;
      const p = drawPatient(pid, model, random);
      const { text, n } = claimLines(p.line.slice(0, -1), p.dx, p.rx, opts.rows - written);
      written += n;
      inChunk += n;
      const w = file.add(text, n);
      if (w) await w;
      if (parquet && inChunk >= chunkRows && written < opts.rows) {
        await file.close();
        await convert(file.path);
        file = new Sink(join(tmp, `chunk-${parts.length}.csv`), CLAIMS_HEADER);
        inChunk = 0;
      }
    }
    await file.close();
    if (parquet) {
      await convert(file.path);
      await pending;
      const list = parts.map(lit).join(', ');
      await conn!.run(`COPY (SELECT * FROM read_parquet([${list}])) TO ${lit(final)} (FORMAT parquet)`);
    }
  } finally {
    conn?.closeSync();
    db?.closeSync();
    if (parquet) rmSync(tmp, { recursive: true, force: true });
  }
  return { file: final, rows: written, patients };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: 'claims-out' },
      format: { type: 'string', default: 'parquet' },
      chunk: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(
      'Usage: npm run cohort:claims -- --rows N --out DIR [--seed 1] [--format parquet|csv] [--chunk ROWS]\n' +
        'Writes DIR/claims.parquet (or claims.csv): one row per diagnosis or prescription of the synthetic cohort,\n' +
        'columns pid,sex,birth_ym,pref,muni,date,kind,code. N accepts 1e7-style numbers.',
    );
    return;
  }
  if (values.format !== 'csv' && values.format !== 'parquet')
    throw new Error(`--format: csv or parquet, not ${values.format}`);
  const t0 = performance.now();
  const result = await generateClaims({
    rows: Number(values.rows),
    seed: Number(values.seed),
    out: values.out!,
    format: values.format,
    chunk: values.chunk !== undefined ? Number(values.chunk) : undefined,
  });
  console.log(JSON.stringify({ ...result, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)) }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
  });
}
