/**
 * @module run/run-trial — one trial, end to end: load → encode → attacks on the pool → policy → report.
 *
 * Input problems throw ReidgateError before anything is written. Once inputs are valid, an attack
 * that throws is recorded with status "error", and the verdict becomes "error" (fail-closed).
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ATTACKS, findAttack } from '../../attacks/index.js';
import type { AttackContext, AttackOutcome, AvailableInputs } from '../../attacks/types.js';
import { type ReportFormat, writeRecordRisk, writeReports } from '../../reports/index.js';
import { openClickHouseTrial } from '../engine/clickhouse-open.js';
import { LocalEngine } from '../engine/local.js';
import { engineSkipReason, openDuckDbTrial } from '../engine/open.js';
import { EXIT, exitCodeFor, isReidgateError, listNames, q, ReidgateError } from '../errors.js';
import { buildManifest, type Manifest, writeManifest } from '../evidence/manifest.js';
import type { LoadedTable } from '../io/types.js';
import { type AttackRun, evaluate, resolvePolicy } from '../policy/index.js';
import { WorkerPool } from '../pool/pool.js';
import type { AttackResult, Report } from '../report/model.js';
import { deriveSeed } from '../stats/random.js';
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

  if (trial.engine !== undefined && trial.engine !== 'local' && (trial.events?.length ?? 0) > 0) {
    // The person-level attacks do not count through the engine yet: refuse rather than skip them.
    throw new ReidgateError(
      'USAGE',
      `--engine ${trial.engine}: relational trials (events:) run on --engine local only for now`,
    );
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
  const info =
    opened?.info ?? Object.fromEntries(Object.entries(loaded).map(([role, t]) => [role, inputInfo(t)]));
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
    events: inputs?.persons?.tables.length ?? 0,
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
        const reason = needs ?? onEngine;
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
          const outcome = await attack.run({
            release: encoded.release,
            original: encoded.original,
            control: encoded.control,
            auxiliary: encoded.auxiliary,
            linkage: inputs?.linkage ?? opened?.linkage,
            engine,
            persons: inputs?.persons,
            qi: trial.qi,
            sensitive: trial.sensitive.map((x) => x.name),
            sensitiveKinds: new Map(trial.sensitive.map((x) => [x.name, x.kind])),
            pool: pool.tracked((done, total) => progress({ stage: 'task', attack: attack.id, done, total })),
            seed: deriveSeed(trial.seed, attack.id),
            recordThreshold: policy.recordThreshold,
            population,
            wildcard: wildcards.size > 0,
            randomization: inputs?.randomization,
            // --no-record-risk: aggregates only (but --include-examples still needs uniqueness' class sizes).
            recordRisk: trial.recordRisk !== false || trial.includeExamples === true,
            // Per-attack options under the names the attacks read (ctx.suda, ctx.singlingOut, …).
            ...attackOptions(trial),
          } as AttackContext);
          const seconds = (performance.now() - t0) / 1000;
          progress({ stage: 'done', attack: attack.id, seconds });
          return {
            run: { id: attack.id, status: 'ok' as const, explicit, metrics: outcome.metrics },
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
