/**
 * @module engine/local — the local engine: today's Arrow + Piscina path behind the engine interface.
 *
 * Tables are the encoded shared-memory columns (src/encode); grouping runs the uniqueness kernels
 * on the worker pool (attacks/uniqueness/group.ts, attacks/uniqueness/wildcard.ts), unchanged; weight
 * sums run the population attack's `classWeights` kernel (attacks/population/population-class-sizes.ts);
 * minimal sample uniques run SUDA's SUDA2 search (attacks/suda/local.ts).
 * Numeric columns that are not encoded (sampling weights) are handed to the engine as Float64Arrays.
 */

import { localCompatibleSets } from '../../attacks/linkage/exact-local.js';
import { estimatedClassSizes } from '../../attacks/population/population-class-sizes.js';
import { classIndex } from '../../attacks/shared/classes.js';
import { localSubsetUniques } from '../../attacks/suda/local.js';
import type { LinkageInputs } from '../../attacks/types.js';
import { groupRows } from '../../attacks/uniqueness/group.js';
import { wildcardSizes } from '../../attacks/uniqueness/wildcard.js';
import { sharedFloat64, sharedInt32 } from '../encode/encode.js';
import type { EncodedTable } from '../encode/types.js';
import { type Column, MISSING, WILDCARD } from '../encode/types.js';
import { q as quote, ReidgateError } from '../errors.js';
import type { WorkerPool } from '../pool/pool.js';
import { sizeTableOf } from './size-table.js';
import type {
  ClassQuery,
  ClassSizes,
  ClassValueCounts,
  ClassWeights,
  CompatibleSets,
  CompatibleSetsQuery,
  Engine,
  EngineOp,
  EngineRole,
  SubsetUniques,
  SubsetUniquesQuery,
  ValueCountsQuery,
  WeightQuery,
  WeightRow,
} from './types.js';

/** Operations the local engine answers (every attack also runs here on the encoded columns). */
const OPS: ReadonlySet<EngineOp> = new Set<EngineOp>([
  'classSizes',
  'classWeights',
  'classValueCounts',
  'compatibleSets',
  'subsetUniques',
]);

/**
 * The value the local engine reports for a wildcard code in a counted column (the encoding keeps
 * no token; only a column that is also a quasi-identifier under --wildcard holds one).
 */
export const WILDCARD_VALUE = '\uE000wildcard';

/** Classes by (size, weight sum) from per-row sizes and sums, sorted by size then weight. */
export function weightTableOf(size: ArrayLike<number>, weight?: ArrayLike<number>): WeightRow[] {
  const bySize = new Map<number, Map<number, number>>();
  for (let i = 0; i < size.length; i++) {
    const w = weight ? weight[i] : 0;
    let m = bySize.get(size[i]);
    if (!m) {
      m = new Map();
      bySize.set(size[i], m);
    }
    m.set(w, (m.get(w) ?? 0) + 1);
  }
  const out: WeightRow[] = [];
  for (const [s, m] of bySize)
    for (const [w, records] of m) out.push({ size: s, weight: w, classes: records / s });
  return out.sort((a, b) => a.size - b.size || a.weight - b.weight);
}

/** The local engine over encoded tables and a worker pool. */
export class LocalEngine implements Engine {
  readonly name = 'local' as const;
  readonly ops = OPS;

  /**
   * @param tables - the encoded tables by role (the release at least)
   * @param pool - the worker pool the kernels run on
   * @param linkage - the linkage targets and compatibility relations (for `compatibleSets`)
   */
  constructor(
    private readonly tables: Partial<Record<EngineRole, EncodedTable>>,
    private readonly pool: WorkerPool,
    private readonly numbers: Partial<Record<EngineRole, ReadonlyMap<string, Float64Array>>> = {},
    private readonly linkage?: LinkageInputs,
  ) {}

  /** The encoded columns `names` of a role's table. */
  private columnsOf(role: EngineRole, names: readonly string[]): { rows: number; cols: Column[] } {
    const t = this.tables[role];
    if (!t) throw new ReidgateError('INTERNAL', `local engine: no ${role} table`);
    const cols = names.map((name) => {
      const c = t.columns.get(name);
      if (!c) throw new ReidgateError('INTERNAL', `local engine: column ${quote(name)} was not encoded`);
      return c;
    });
    return { rows: t.rows, cols };
  }

  rows(role: EngineRole): number {
    return this.tables[role]?.rows ?? 0;
  }

  async classSizes(q: ClassQuery): Promise<ClassSizes> {
    const t = this.tables[q.role];
    if (!t) throw new ReidgateError('INTERNAL', `local engine: no ${q.role} table`);
    const cols = q.columns.map((name) => {
      const c = t.columns.get(name);
      if (!c) throw new ReidgateError('INTERNAL', `local engine: column ${quote(name)} was not encoded`);
      return c;
    });
    const { classSize, sizes } = await groupRows(cols, this.pool);
    const compatible = q.wildcard ? await wildcardSizes(cols, this.pool) : null;
    const effective = compatible ?? classSize;
    return {
      records: t.rows,
      classes: sizes.length,
      table: sizeTableOf(effective, classSize),
      perRecord: q.perRecord ? effective : undefined,
      missingIn: cols.filter((c) => c.codes.includes(MISSING)).map((c) => c.name),
      wildcardFound: compatible !== null,
    };
  }

  async classWeights(q: WeightQuery): Promise<ClassWeights> {
    const { rows, cols } = this.columnsOf(q.role, q.columns);
    const { classSize, sizes } = await groupRows(cols, this.pool);
    let weight: Float64Array | undefined;
    if (q.weights !== undefined) {
      const values = this.numbers[q.role]?.get(q.weights);
      if (!values || values.length !== rows)
        throw new ReidgateError('INTERNAL', `local engine: no numbers for column ${quote(q.weights)}`);
      weight = (await estimatedClassSizes(cols, classSize, { kind: 'given', values }, this.pool)).Fhat;
    }
    return {
      records: rows,
      classes: sizes.length,
      table: weightTableOf(classSize, weight),
      perRecord: q.perRecord ? { size: classSize, weight } : undefined,
      wildcardIn: cols.filter((c) => c.codes.includes(WILDCARD)).map((c) => c.name),
    };
  }

  async classValueCounts(q: ValueCountsQuery): Promise<ClassValueCounts> {
    const { rows: n, cols } = this.columnsOf(q.role, q.columns);
    const [vcol] = this.columnsOf(q.role, [q.value]).cols;
    const dictionary = this.tables[q.role]!.dictionaries.get(q.value) ?? [];
    const idx = await classIndex(cols, n, this.pool);
    // Value ids in order of first row: slot = code + 2 (WILDCARD −2 → 0, MISSING −1 → 1).
    const idOfSlot = new Int32Array(vcol.cardinality + 2).fill(-1);
    const values: (string | null)[] = [];
    const vid = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const code = vcol.codes[i];
      let v = idOfSlot[code + 2];
      if (v < 0) {
        v = idOfSlot[code + 2] = values.length;
        values.push(code === MISSING ? null : code === WILDCARD ? WILDCARD_VALUE : dictionary[code]);
      }
      vid[i] = v;
    }
    const totals = sharedFloat64(values.length);
    for (let i = 0; i < n; i++) totals[vid[i]]++;
    // Pairs per class, values in order of first row within the class (members are ascending).
    const starts = sharedInt32(idx.classes + 1);
    const pairValue = new Int32Array(n);
    const pairCount = new Int32Array(n);
    const slot = new Int32Array(values.length).fill(-1);
    let k = 0;
    for (let c = 0; c < idx.classes; c++) {
      const from = k;
      for (let r = idx.starts[c]; r < idx.starts[c + 1]; r++) {
        const v = vid[idx.order[r]];
        if (slot[v] < 0) {
          slot[v] = k;
          pairValue[k++] = v;
        }
        pairCount[slot[v]]++;
      }
      for (let j = from; j < k; j++) slot[pairValue[j]] = -1;
      starts[c + 1] = k;
    }
    const valueId = sharedInt32(k);
    const count = sharedInt32(k);
    valueId.set(pairValue.subarray(0, k));
    count.set(pairCount.subarray(0, k));
    return {
      records: n,
      classes: idx.classes,
      values,
      totals,
      starts,
      valueId,
      count,
      classOf: q.perRecord ? idx.classOf : undefined,
      missingIn: cols.filter((c) => c.codes.includes(MISSING)).map((c) => c.name),
      wildcardIn: cols.filter((c) => c.codes.includes(WILDCARD)).map((c) => c.name),
    };
  }

  /** Exact compatible-set linkage on the linkage kernels (attacks/linkage/exact-local.ts). */
  async compatibleSets(q: CompatibleSetsQuery): Promise<CompatibleSets | null> {
    const release = this.tables.release;
    if (!release || !this.linkage)
      throw new ReidgateError('INTERNAL', 'local engine: no release or linkage targets for compatibleSets');
    return localCompatibleSets(release, this.linkage, this.pool, q);
  }

  /** Minimal sample uniques by the SUDA2 search on the worker pool (attacks/suda/local.ts). */
  async subsetUniques(q: SubsetUniquesQuery): Promise<SubsetUniques> {
    const { rows, cols } = this.columnsOf(q.role, q.columns);
    return localSubsetUniques(cols, rows, this.pool, q);
  }

  describe(): string {
    return `local (Arrow + worker pool, ${this.pool.workers} worker${this.pool.workers === 1 ? '' : 's'})`;
  }

  async close(): Promise<void> {}
}
