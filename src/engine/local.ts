/**
 * @module engine/local — the local engine: today's Arrow + Piscina path behind the engine interface.
 *
 * Tables are the encoded shared-memory columns (src/encode); grouping runs the uniqueness kernels
 * on the worker pool (attacks/uniqueness/group.ts, attacks/uniqueness/wildcard.ts), unchanged.
 */
import { localCompatibleSets } from '../../attacks/linkage/exact-local.js';
import type { LinkageInputs } from '../../attacks/types.js';
import { groupRows } from '../../attacks/uniqueness/group.js';
import { wildcardSizes } from '../../attacks/uniqueness/wildcard.js';
import type { EncodedTable } from '../encode/types.js';
import { MISSING } from '../encode/types.js';
import { q as quote, ReidgateError } from '../errors.js';
import type { WorkerPool } from '../pool/pool.js';
import { sizeTableOf } from './size-table.js';
import type {
  ClassQuery,
  ClassSizes,
  CompatibleSets,
  CompatibleSetsQuery,
  Engine,
  EngineOp,
  EngineRole,
} from './types.js';

/** Operations the local engine answers (every attack also runs here on the encoded columns). */
const OPS: ReadonlySet<EngineOp> = new Set<EngineOp>(['classSizes', 'compatibleSets']);

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
    private readonly linkage?: LinkageInputs,
  ) {}

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

  /** Exact compatible-set linkage on the linkage kernels (attacks/linkage/exact-local.ts). */
  async compatibleSets(q: CompatibleSetsQuery): Promise<CompatibleSets | null> {
    const release = this.tables.release;
    if (!release || !this.linkage)
      throw new ReidgateError('INTERNAL', 'local engine: no release or linkage targets for compatibleSets');
    return localCompatibleSets(release, this.linkage, this.pool, q);
  }

  describe(): string {
    return `local (Arrow + worker pool, ${this.pool.workers} worker${this.pool.workers === 1 ? '' : 's'})`;
  }

  async close(): Promise<void> {}
}
