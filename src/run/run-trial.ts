/**
 * @module run/run-trial — one trial, end to end: load → encode → attacks on the pool → policy → report.
 *
 * Input problems throw ReidgateError before anything is written. Once inputs are valid, an attack
 * that throws is recorded with status "error", and the verdict becomes "error" (fail-closed).
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ATTACKS, findAttack } from '../../attacks/index.js';
import type { AttackContext, AttackOutcome, AvailableInputs, LinkageInputs } from '../../attacks/types.js';
import { type ReportFormat, writeRecordRisk, writeReports } from '../../reports/index.js';
import { openClickHouseTrial } from '../engine/clickhouse-open.js';
import { type FetchedInputs, fetchBlocked, fetchBound, fetchComplete } from '../engine/fetch-local.js';
import { LocalEngine } from '../engine/local.js';
import { engineSkipReason, type OpenedEngine, openDuckDbTrial } from '../engine/open.js';
import type { Engine } from '../engine/types.js';
import { EXIT, exitCodeFor, isReidgateError, listNames, q, ReidgateError } from '../errors.js';
import { buildManifest, type Manifest, writeManifest } from '../evidence/manifest.js';
import type { LoadedTable } from '../io/types.js';
import { type AttackRun, evaluate, resolvePolicy } from '../policy/index.js';
import { WorkerPool } from '../pool/pool.js';
import type { AttackResult, Report } from '../report/model.js';
import { deriveSeed, rng, sampleIndices } from '../stats/random.js';
import type { Trial } from '../trial/schema.js';
import { VERSION } from '../version.js';
import { riskiestClasses } from './examples.js';
import { loadInputs, type TrialInputs } from './inputs.js';
import { resolvePopulation, resolvePopulationOnEngine } from './population.js';

/** Files a run writes; stale copies are removed first so an old pass never stands beside a new run. */
const OUTPUTS = [
  'report.json',
  'report.md',
  'report.html',
  'junit.xml',
  'record-risk.csv',
  'manifest.json',
  'manifest.sig',
];

/** Removes a previous run's outputs (including per-target files) from `out`, if any. */
async function clearOutputs(out: string): Promise<void> {
  const names = await readdir(out).catch(() => [] as string[]);
  const stale = names.filter((f) => OUTPUTS.includes(f) || f.endsWith('-targets.csv'));
  await Promise.all(stale.map((f) => rm(join(out, f), { force: true }).catch(() => {})));
}

/**
 * Progress events (the CLI prints them; library code never does). Stage `task`: an attack's kernel task was
 * submitted or finished on the pool (`done` of `total` submitted so far: shards of its current phase and earlier).
 */
export type Progress = (event: {
  stage: string;
  attack?: string;
  seconds?: number;
  detail?: string;
  done?: number;
  total?: number;
}) => void;

export interface TrialResult {
  report: Report;
  exitCode: 0 | 1 | 3;
  written: string[];
  /** The evidence manifest written as OUT/manifest.json. */
  manifest: Manifest;
}

function inputInfo(t: LoadedTable) {
  return {
    path: t.path,
    sha256: t.sha256,
    rows: t.table.numRows,
    columns: t.table.schema.fields.map((f) => f.name),
    format: t.format,
    bytes: t.bytes,
  };
}

/** Context fields an attack option may never overwrite. */
const RESERVED = new Set([
  'release',
  'original',
  'control',
  'auxiliary',
  'linkage',
  'persons',
  'qi',
  'sensitive',
  'pool',
  'seed',
  'recordThreshold',
  'population',
  'wildcard',
  'options',
  'engine',
  'eventEngine',
  'randomization',
  'recordRisk',
]);

/**
 * Attack options for the context: all of them under `options[id]`, and for convenience under the
 * camel-cased id (`singling-out` → `singlingOut`, `suda`) where that name is not a context field.
 */
function attackOptions(trial: Trial): Record<string, unknown> {
  const all: Record<string, Record<string, unknown>> = { ...(trial.options ?? {}) };
  if (trial.suda) all.suda = { ...(all.suda ?? {}), ...trial.suda };
  const out: Record<string, unknown> = { options: all };
  for (const [id, opts] of Object.entries(all)) {
    const key = id.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!RESERVED.has(key)) out[key] = opts;
  }
  return out;
}

/**
 * The rows an attack needs, fetched from the engine (src/engine/fetch-local.ts): every row when
 * each table is under the attack's `fetchRows` bound (one fetch per bound, shared by the attacks);
 * else, for linkage, a blocked candidate sample; else why it cannot run.
 */
async function fetchFor(
  id: string,
  engine: Engine,
  trial: Trial,
  opened: OpenedEngine,
  cache: Map<number, Promise<FetchedInputs | null>>,
): Promise<FetchedInputs | string> {
  const options = trial.options?.[id];
  const bound = fetchBound(id, options);
  let complete = cache.get(bound);
  if (!complete) {
    complete = fetchComplete(engine, trial, opened.info, bound);
    cache.set(bound, complete);
  }
  const all = await complete;
  if (all) return all;
  const lk = opened.linkage ?? sampleOnly(engine, trial, opened.info);
  if (id === 'linkage' && lk) {
    const block = options?.blockOn;
    const on =
      block === undefined
        ? undefined
        : (Array.isArray(block) ? block.map(String) : String(block).split(','))
            .map((c) => c.trim())
            .filter(Boolean);
    return fetchBlocked(engine, trial, opened.info, lk, bound, on?.length ? on : undefined);
  }
  if (id === 'linkage')
    return `on --engine ${engine.name} a table has more than --option linkage.fetchRows=${bound} rows, and a blocked sample with --id ground truth is made on --engine duckdb only: raise the bound, or run it with --engine duckdb or local`;
  const largest = Math.max(
    ...(['release', 'original', 'control', 'auxiliary'] as const).map((r) => engine.rows(r)),
  );
  return `on --engine ${engine.name} it runs on every row fetched from the engine, and a table has ${largest} rows, more than --option ${id}.fetchRows=${bound} (its figures need the whole of every input, so it is not approximated on a sample): raise the bound, or run it with --engine local`;
}

/**
 * The seeded linkage sample on an engine that keeps no linkage inputs (clickhouse), as on --engine
 * local: the same rows; the truth from --aligned (or none). Undefined with --id (its key join is not
 * made there) or without targets.
 */
function sampleOnly(engine: Engine, trial: Trial, info: OpenedEngine['info']): LinkageInputs | undefined {
  const targetsRole =
    engine.rows('auxiliary') > 0 ? 'auxiliary' : engine.rows('original') > 0 ? 'original' : undefined;
  if (!targetsRole || trial.id !== undefined) return undefined;
  const n = engine.rows(targetsRole);
  const k = trial.targets ?? Math.min(n, 10_000);
  if (k > n)
    throw new ReidgateError(
      'USAGE',
      `--targets ${k}: more targets than the ${n} records of --${targetsRole}`,
    );
  if (trial.aligned && n !== engine.rows('release'))
    throw new ReidgateError(
      'USAGE',
      `--aligned: the release has ${engine.rows('release')} rows but --${targetsRole} has ${n}; aligned files have equal row counts`,
    );
  const targetRows = sampleIndices(n, k, rng(deriveSeed(trial.seed, 'targets')));
  return {
    targetsRole,
    targets: { rows: n, columns: new Map(), dictionaries: new Map() },
    targetRows,
    truth: trial.aligned ? Int32Array.from(targetRows) : new Int32Array(k).fill(-1),
    groundTruth: trial.aligned ? 'aligned' : 'none',
    knownQi: trial.qi.map((x) => x.name).filter((c) => info[targetsRole]?.columns.includes(c)),
    compat: new Map(),
  };
}

/** The report says what was fetched: the method note, `details.sampled`, and a warning when approximate. */
function sayFetched(outcome: AttackOutcome, got: FetchedInputs): void {
  outcome.method = outcome.method ? `${got.note} ${outcome.method}` : got.note;
  outcome.details = { ...(outcome.details ?? {}), sampled: got.sampled };
  if (got.approximate) outcome.warnings = [...(outcome.warnings ?? []), `APPROXIMATE: ${got.approximate}`];
}

/** Which attacks to plan: the ones asked for, or all. Unknown ids are a usage error. */
export function planAttacks(ids: readonly string[] | undefined) {
  if (!ids) return ATTACKS.map((a) => ({ attack: a, explicit: false }));
  return ids.map((id) => {
    const attack = findAttack(id);
    if (!attack) {
      throw new ReidgateError(
        'ATTACK_UNKNOWN',
        `--attacks: unknown attack ${q(id)} (attacks: ${listNames(ATTACKS.map((a) => a.id))})`,
      );
    }
    return { attack, explicit: true };
  });
}

/**
 * Runs a trial and writes its outputs.
 * @param trial - the resolved trial
 * @param progress - optional progress callback
 * @returns the report, the exit code (0 pass, 1 fail, 3 error) and the files written
 * @throws ReidgateError for usage and input errors (nothing is written then)
 */
export async function runTrial(trial: Trial, progress: Progress = () => {}): Promise<TrialResult> {
  // Fail closed: outputs of an earlier run in this folder go first, so that a run stopped by bad
  // input never leaves an old passing report behind.
  const t0 = performance.now();
  await clearOutputs(trial.out);
  const policy = resolvePolicy({ policy: trial.policy, preset: trial.preset });
  const plan = planAttacks(trial.attacks);
  for (const id of Object.keys(trial.options ?? {})) {
    if (!findAttack(id)) {
      throw new ReidgateError(
        'USAGE',
        `--option ${q(id)}.…: no attack named ${q(id)} (attacks: ${listNames(ATTACKS.map((a) => a.id))})`,
      );
    }
  }

  // --engine duckdb / clickhouse: the engine holds the inputs (src/engine); otherwise they load into memory.
  const onLoad = (detail: string) => progress({ stage: 'load', detail });
  const opened =
    trial.engine === 'duckdb'
      ? await openDuckDbTrial(trial, onLoad)
      : trial.engine === 'clickhouse'
        ? await openClickHouseTrial(trial, onLoad)
        : undefined;
  const inputs = opened ? undefined : await loadInputs(trial, onLoad);
  // Every table read, event tables of a relational trial included (report inputs `events.NAME.ROLE`).
  const loaded = { ...(inputs?.loaded ?? {}), ...(inputs?.eventFiles ?? {}) } as Record<string, LoadedTable>;
  const info = opened
    ? { ...opened.info, ...opened.eventInfo }
    : Object.fromEntries(Object.entries(loaded).map(([role, t]) => [role, inputInfo(t)]));
  const inputWarnings = opened?.warnings ?? Object.values(loaded).flatMap((t) => t.warnings);
  // On other engines the release holds no columns here: only attacks counting through the engine run.
  const encoded: TrialInputs['encoded'] = inputs?.encoded ?? {
    release: { rows: opened!.engine.rows('release'), columns: new Map(), dictionaries: new Map() },
  };
  const wildcards = new Set(trial.wildcard);
  const population = inputs
    ? await resolvePopulation(trial, inputs.loaded.release!, encoded.release)
    : await resolvePopulationOnEngine(trial, opened!.engine).catch(async (e) => {
        await opened!.engine.close();
        throw e;
      });
  const available: AvailableInputs = {
    release: true,
    original: !!info.original,
    control: !!info.control,
    auxiliary: !!info.auxiliary,
    qi: trial.qi.length,
    sensitive: trial.sensitive.length,
    population: population !== undefined || trial.populationTable !== undefined,
    populationTable: trial.populationTable !== undefined,
    // Relational trials: the person view (local) or the event tables the engine holds.
    events: inputs ? (inputs.persons?.tables.length ?? 0) : (opened?.engine.relational?.tables.length ?? 0),
    wildcard: trial.wildcard.length > 0,
  };

  const tLoaded = performance.now();
  const pool = new WorkerPool(trial.workers);
  // The local engine also holds the weights column, which engines sum per class (population).
  const numbers = new Map(
    population?.weights && population.weightsColumn ? [[population.weightsColumn, population.weights]] : [],
  );
  const engine = opened?.engine ?? new LocalEngine(encoded, pool, { release: numbers }, inputs?.linkage);
  const results: Array<{ run: AttackRun; result: AttackResult; outcome?: AttackOutcome }> = [];
  const fetchCache = new Map<number, Promise<FetchedInputs | null>>();
  try {
    const settled = await Promise.all(
      plan.map(async ({ attack, explicit }) => {
        const base = {
          id: attack.id,
          title: attack.title,
          summary: attack.summary,
          references: [...attack.references],
        };
        const needs = attack.needs(available);
        const onEngine = engineSkipReason(engine, attack, available, trial.options?.[attack.id]);
        // An attack whose kernels do not reduce to SQL runs on rows fetched from the engine.
        const fetch =
          needs === null && onEngine !== null && !!attack.fetchable && engine.ops.has('fetchRows');
        const reason = needs ?? (fetch ? null : onEngine);
        if (reason) {
          progress({ stage: 'skip', attack: attack.id, detail: reason });
          // Fail closed: an attack the inputs allow but the engine cannot run counts as asked for.
          const must = explicit || (needs === null && onEngine !== null);
          return {
            run: { id: attack.id, status: 'skipped' as const, reason, explicit: must, metrics: {} },
            base,
            seconds: 0,
          };
        }
        progress({ stage: 'attack', attack: attack.id });
        const t0 = performance.now();
        try {
          const got = fetch ? await fetchFor(attack.id, engine, trial, opened!, fetchCache) : undefined;
          if (typeof got === 'string') {
            progress({ stage: 'skip', attack: attack.id, detail: got });
            // Fail closed, as for any attack the inputs allow but the engine cannot run.
            return {
              run: { id: attack.id, status: 'skipped' as const, reason: got, explicit: true, metrics: {} },
              base,
              seconds: 0,
            };
          }
          const local = got?.inputs;
          const outcome = await attack.run({
            release: local?.encoded.release ?? encoded.release,
            original: local ? local.encoded.original : encoded.original,
            control: local ? local.encoded.control : encoded.control,
            auxiliary: local ? local.encoded.auxiliary : encoded.auxiliary,
            linkage: local ? local.linkage : (inputs?.linkage ?? opened?.linkage),
            engine: local ? new LocalEngine(local.encoded, pool, {}, local.linkage) : engine,
            // Linkage's sparse method counts through the trial's engine, whose row numbers the
            // fetched rows keep unless they are a blocked sample.
            eventEngine: got && got.sampled.plan !== 'blocked' ? engine : undefined,
            persons: inputs?.persons,
            qi: trial.qi,
            sensitive: trial.sensitive.map((x) => x.name),
            sensitiveKinds: new Map(trial.sensitive.map((x) => [x.name, x.kind])),
            pool: pool.tracked((done, total) => progress({ stage: 'task', attack: attack.id, done, total })),
            seed: deriveSeed(trial.seed, attack.id),
            recordThreshold: policy.recordThreshold,
            population,
            wildcard: wildcards.size > 0,
            randomization: local ? local.randomization : inputs?.randomization,
            // --no-record-risk: aggregates only (but --include-examples still needs uniqueness' class sizes).
            recordRisk: trial.recordRisk !== false || trial.includeExamples === true,
            // Per-attack options under the names the attacks read (ctx.suda, ctx.singlingOut, …).
            ...attackOptions(trial),
          } as AttackContext);
          if (got) sayFetched(outcome, got);
          const seconds = (performance.now() - t0) / 1000;
          progress({ stage: 'done', attack: attack.id, seconds });
          return {
            run: {
              id: attack.id,
              status: 'ok' as const,
              explicit,
              metrics: outcome.metrics,
              approximate: got?.approximate,
            },
            base,
            seconds,
            outcome,
          };
        } catch (e) {
          const seconds = (performance.now() - t0) / 1000;
          const msg = isReidgateError(e) || e instanceof Error ? e.message.split('\n')[0] : String(e);
          const inputError = isReidgateError(e) && exitCodeFor(e.code) === EXIT.input ? e : undefined;
          if (!inputError) progress({ stage: 'error', attack: attack.id, detail: msg });
          return {
            run: { id: attack.id, status: 'error' as const, reason: msg, explicit, metrics: {} },
            base,
            seconds,
            // A usage or input error found inside an attack (a bad --option value, a column the attack
            // needs): the run stops as for any bad input, exit 2, nothing written.
            inputError,
          };
        }
      }),
    );
    const inputError = settled.find((x) => 'inputError' in x && x.inputError)?.inputError;
    if (inputError) throw inputError;
    const tAttacks = performance.now();
    const evaluation = evaluate(
      policy,
      settled.map((s) => s.run),
    );
    for (const s of settled) {
      const attack = findAttack(s.run.id)!;
      const th = evaluation.thresholds[s.run.id] ?? {};
      const o = s.outcome;
      results.push({
        run: s.run,
        outcome: o,
        result: {
          ...s.base,
          status: s.run.status,
          verdict: evaluation.attackVerdicts[s.run.id] ?? 'none',
          seconds: s.seconds,
          reason: s.run.reason,
          metrics: Object.fromEntries(
            Object.entries(o?.metrics ?? {}).map(([k, m]) => [
              k,
              {
                value: m.value,
                ci95: m.ci95,
                n: m.n,
                threshold: th[k]?.threshold ?? null,
                op: th[k]?.op ?? null,
                passed: th[k]?.passed ?? null,
                explain: attack.metrics[k],
              },
            ]),
          ),
          method: o?.method,
          details: o?.details ?? {},
          histograms: o?.histograms ?? [],
          tables: o?.tables ?? [],
          series: (o?.series ?? []).map((s) => ({
            ...s,
            x: { label: s.x.label, scale: s.x.scale ?? 'linear' },
            y: { label: s.y.label, scale: s.y.scale ?? 'linear' },
            mark: s.mark ?? 'line',
          })),
          warnings: o?.warnings ?? [],
        },
      });
    }

    const report: Report = {
      schemaVersion: 1,
      tool: { name: 'reidgate', version: VERSION },
      verdict: evaluation.verdict,
      summary: evaluation.summary,
      seed: trial.seed,
      createdAt: new Date().toISOString(),
      trial: {
        name: trial.name,
        qi: trial.qi.map((x) => x.name),
        sensitive: trial.sensitive.map((x) => x.name),
        attacks: plan.map((p) => p.attack.id),
        workers: trial.workers,
        engine: engine.name,
        engineInfo: engine.describe(),
        recordRisk: trial.recordRisk !== false,
        missingSemantics:
          wildcards.size > 0
            ? `Wildcard model: the suppressed token${wildcards.size > 1 ? 's' : ''} ${[...wildcards].map((w) => `"${w}"`).join(', ')} in a quasi-identifier match${wildcards.size > 1 ? '' : 'es'} any value (as in ARX); a missing value is its own value.`
            : "Grouping attacks (uniqueness, diversity, population) treat a missing or suppressed value as its own value: it matches only other missing or suppressed values (no wildcard matching). Each attack's method note says how it treats them.",
      },
      policy: {
        name: policy.name,
        description: policy.description,
        recordThreshold: policy.recordThreshold,
        sources: policy.sources,
      },
      inputs: info,
      attacks: results.map((r) => r.result),
      checks: evaluation.checks,
      warnings:
        trial.recordRisk === false
          ? [
              ...inputWarnings,
              'per-record output was turned off (--no-record-risk): record-risk.csv was not written; the metrics come from aggregates and are the same',
            ]
          : inputWarnings,
      containsRecordValues: false,
      examples: [],
    };
    if (trial.includeExamples) {
      // The only place record values enter a report (--include-examples); the banner then says so.
      const sizes = results.find((r) => r.run.id === 'uniqueness')?.outcome?.perRecord?.classSize;
      // (On an engine other than local the release is not loaded here: no examples.)
      const rel = loaded.release;
      const t = sizes && rel ? riskiestClasses(rel.table, report.trial.qi, sizes) : null;
      if (t) {
        report.containsRecordValues = true;
        report.examples.push(t);
      } else {
        report.warnings.push(
          '--include-examples: no examples shown (they come from the uniqueness attack, which did not run); the report holds no record values',
        );
      }
    }

    progress({ stage: 'write', detail: trial.out });
    const written = await writeReports(report, trial.out, trial.format as ReportFormat[], {
      lang: trial.lang,
    });
    const perRecord: Record<string, Int32Array | Float64Array> = {};
    for (const r of results) Object.assign(perRecord, r.outcome?.perRecord ?? {});
    if (trial.recordRisk !== false && Object.keys(perRecord).length > 0) {
      written.push(await writeRecordRisk(trial.out, encoded.release.rows, perRecord));
    }
    for (const r of results) {
      const pt = r.outcome?.perTarget;
      if (!pt) continue;
      written.push(
        await writeRecordRisk(
          trial.out,
          pt.rows.length,
          { targetRow: pt.rows, ...pt.columns },
          `${r.run.id}-targets.csv`,
          'target',
        ),
      );
    }
    // The evidence manifest: hashes of every input and output, the resolved trial, timings, the numbers.
    const done = performance.now();
    const manifest = await buildManifest({
      trial,
      report,
      knownHashes: new Map(Object.values(loaded).map((t) => [t.path, { sha256: t.sha256, bytes: t.bytes }])),
      written,
      seeds: Object.fromEntries(plan.map((p) => [p.attack.id, deriveSeed(trial.seed, p.attack.id)])),
      timings: {
        loadSeconds: (tLoaded - t0) / 1000,
        attacksSeconds: (tAttacks - tLoaded) / 1000,
        writeSeconds: (done - tAttacks) / 1000,
        totalSeconds: (done - t0) / 1000,
      },
    });
    written.push(await writeManifest(trial.out, manifest));
    const exitCode = evaluation.verdict === 'pass' ? 0 : evaluation.verdict === 'fail' ? 1 : 3;
    return { report, exitCode, written, manifest };
  } finally {
    await pool.close();
    await engine.close();
  }
}
