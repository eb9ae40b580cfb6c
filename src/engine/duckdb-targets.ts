/**
 * @module engine/duckdb-targets — a trial's linkage targets and ground truth on the DuckDB engine
 * (linkage-targets.ts holds the engine-independent part): --id keys checked and joined in SQL (only
 * the sampled targets' true rows come back).
 */
import type { LinkageInputs } from '../../attacks/types.js';
import type { InputInfo } from '../report/model.js';
import type { Trial } from '../trial/schema.js';
import type { DuckDbEngine, DuckTable } from './duckdb.js';
import { ident } from './duckdb-sql.js';
import { engineLinkageInputs, type KeyProblem } from './linkage-targets.js';
import type { EngineRole } from './types.js';

/**
 * The first row (0-based) of `t` whose key `col` is missing (`kind` none) or repeats an earlier row's
 * key (`kind` repeated, `first`: that row), or null: what a loader walking the rows would stop at (as
 * src/run/inputs.ts keyRows finds it). Also checks relational person tables (duckdb-events.ts).
 * @throws ReidgateError('ENGINE') on engine failure
 */
export async function firstKeyProblem(
  engine: DuckDbEngine,
  t: DuckTable,
  col: string,
  doing: string,
): Promise<KeyProblem | null> {
  const key = `CAST(t.${ident(col)} AS VARCHAR)`;
  const rows = `(SELECT ${t.row} AS __rg_row, ${key} AS k FROM ${t.relation} AS t)`;
  const [[none]] = await engine.all(`SELECT min(__rg_row)::DOUBLE FROM ${rows} WHERE k IS NULL`, doing);
  const dup = await engine.all(
    `SELECT __rg_row::DOUBLE, first::DOUBLE FROM (SELECT __rg_row, min(__rg_row) OVER (PARTITION BY k) AS first FROM ${rows} WHERE k IS NOT NULL) ` +
      'WHERE __rg_row > first ORDER BY __rg_row LIMIT 1',
    doing,
  );
  const firstDup = dup.length > 0 ? (dup[0][0] as number) : Infinity;
  if (none !== null && (none as number) < firstDup) return { kind: 'none', row: none as number };
  if (dup.length > 0) return { kind: 'repeated', first: dup[0][1] as number, row: firstDup };
  return null;
}

/**
 * The linkage targets of a trial on the DuckDB engine, or undefined without --original/--auxiliary
 * (linkage-targets.ts: the same sample, checks and messages as the local path).
 * @throws ReidgateError (exit 2) for inconsistent ground truth or bad targets; ENGINE (exit 3)
 */
export function duckLinkageInputs(
  engine: DuckDbEngine,
  trial: Trial,
  info: Partial<Record<EngineRole, InputInfo>>,
): Promise<LinkageInputs | undefined> {
  const table = (role: EngineRole) => engine.tables.get(role)!;
  return engineLinkageInputs(
    {
      engine,
      columns: (role) => engine.tables.get(role)?.columns,
      keyProblem: (role, col) =>
        firstKeyProblem(engine, table(role), col, `checking --id keys of the ${role}`),
      rowsById: async (targetsRole, targetRows, col) => {
        const tt = table(targetsRole);
        const rel = table('release');
        // The sampled rows as a list literal (at most the targets' rows; --targets bounds it).
        const list = `[${Array.from(targetRows).join(',')}]`;
        const id = ident(col);
        const hits = await engine.all(
          `SELECT s.trow::DOUBLE, r.__rg_row::DOUBLE FROM ` +
            `(SELECT ${tt.row} AS __rg_row, CAST(t.${id} AS VARCHAR) AS k FROM ${tt.relation} AS t) AS s0 ` +
            `JOIN (SELECT unnest(${list}) AS trow) AS s ON s.trow = s0.__rg_row ` +
            `JOIN (SELECT ${rel.row} AS __rg_row, CAST(t.${id} AS VARCHAR) AS k FROM ${rel.relation} AS t) AS r ON r.k = s0.k`,
          'joining the targets to the release by --id',
        );
        return hits.map(([t, r]) => [t as number, r as number]);
      },
    },
    trial,
    info,
  );
}
