/**
 * @module policy/evaluate — checks and a fail-closed verdict.
 *
 * The verdict is `pass` only when every attack that had to run ran, and every check passed:
 * - an attack that errored gives `error` unless the policy lists it as optional;
 * - an attack that was skipped for lack of input gives `fail` when the user asked for it or the
 *   policy requires it, unless the policy lists it as optional;
 * - a check whose metric is missing from an attack that ran fails;
 * - an attack that ran on an approximating sample (`approximate`) gets a failing check of its own.
 */
import type { MetricOut } from '../../attacks/types.js';
import type { Check } from '../report/model.js';
import type { Policy, PolicyCheck } from './schema.js';

/** What the evaluator needs to know of each attack's run. */
export interface AttackRun {
  id: string;
  status: 'ok' | 'skipped' | 'error';
  /** Why skipped or errored. */
  reason?: string;
  /** The user asked for it by name (--attacks or the trial's attacks). */
  explicit: boolean;
  metrics: Record<string, MetricOut>;
  /**
   * Set when the attack ran on a sample whose figures approximate the whole release's in an unknown
   * direction (src/engine/fetch-local.ts): why. Such a run cannot make the verdict pass.
   */
  approximate?: string;
}

export interface Evaluation {
  verdict: 'pass' | 'fail' | 'error';
  summary: string;
  checks: Check[];
  /** Per attack: pass/fail of its own checks, none when it has none or did not run. */
  attackVerdicts: Record<string, 'pass' | 'fail' | 'none'>;
  /** Thresholds per attack and metric, for the report's metric table. */
  thresholds: Record<string, Record<string, { threshold: number; op: '<=' | '>='; passed: boolean }>>;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}

function evaluateCheck(c: PolicyCheck, m: MetricOut | undefined): Check {
  const op = c.max !== undefined ? '<=' : '>=';
  const threshold = (c.max ?? c.min)!;
  const id = `${c.attack}.${c.metric}`;
  if (!m || !Number.isFinite(m.value)) {
    return {
      id,
      attack: c.attack,
      metric: c.metric,
      op,
      threshold,
      value: null,
      compared: null,
      passed: false,
      message: `${c.metric} was not computed, so it cannot show the release is safe`,
      source: c.source,
    };
  }
  const pessimistic = c.bound !== 'point' && m.ci95;
  const compared = pessimistic ? (op === '<=' ? m.ci95![1] : m.ci95![0]) : m.value;
  const passed = op === '<=' ? compared <= threshold : compared >= threshold;
  const what = pessimistic ? `${op === '<=' ? 'upper' : 'lower'} 95% bound ${fmt(compared)}` : fmt(compared);
  return {
    id,
    attack: c.attack,
    metric: c.metric,
    op,
    threshold,
    value: m.value,
    compared,
    passed,
    message: `${c.metric} = ${what} ${passed ? 'within' : 'breaks'} the limit ${op} ${fmt(threshold)}`,
    source: c.source,
  };
}

/** A failing check that no metric decides (an attack not run, failed, skipped or approximate). */
function failing(id: string, attack: string, message: string): Check {
  return {
    id,
    attack,
    metric: null,
    op: null,
    threshold: null,
    value: null,
    compared: null,
    passed: false,
    message,
  };
}

/**
 * Evaluates a policy over attack runs.
 * @param policy - the resolved policy
 * @param runs - every attack that was planned, with its status and metrics
 * @returns checks, per-attack verdicts and the overall verdict with a one-line summary
 */
export function evaluate(policy: Policy, runs: readonly AttackRun[]): Evaluation {
  const checks: Check[] = [];
  const attackVerdicts: Evaluation['attackVerdicts'] = {};
  const thresholds: Evaluation['thresholds'] = {};
  const errored: string[] = [];
  const missing: string[] = [];
  const optional = new Set(policy.optional);

  for (const id of policy.required) {
    if (!runs.some((r) => r.id === id)) missing.push(id);
  }
  for (const id of missing) {
    checks.push(failing(id, id, `the policy requires attack ${id}, but it was not run`));
  }

  for (const run of runs) {
    const mustRun = run.explicit || policy.required.includes(run.id);
    if (run.status !== 'ok') {
      attackVerdicts[run.id] = 'none';
      if (optional.has(run.id)) continue;
      if (run.status === 'error') errored.push(run.id);
      if (run.status === 'error' || mustRun) {
        checks.push(
          failing(
            run.id,
            run.id,
            run.status === 'error'
              ? `attack ${run.id} failed: ${run.reason ?? 'unknown error'}`
              : `attack ${run.id} was required but skipped: ${run.reason ?? 'no reason given'}`,
          ),
        );
      }
      continue;
    }
    const own = policy.checks
      .filter((c) => c.attack === run.id)
      .map((c) => evaluateCheck(c, run.metrics[c.metric]));
    checks.push(...own);
    attackVerdicts[run.id] = own.length === 0 ? 'none' : own.every((c) => c.passed) ? 'pass' : 'fail';
    thresholds[run.id] = Object.fromEntries(
      own.map((c) => [c.metric!, { threshold: c.threshold!, op: c.op!, passed: c.passed }]),
    );
    if (run.approximate && !optional.has(run.id)) {
      // Fail closed: an approximation of unknown direction never shows the release is safe.
      attackVerdicts[run.id] = 'fail';
      checks.push(
        failing(
          `${run.id}.approximate`,
          run.id,
          `${run.approximate}, so they cannot show the release is safe (run it whole: raise --option ${run.id}.fetchRows, or use --engine local)`,
        ),
      );
    }
  }

  const failed = checks.filter((c) => !c.passed);
  const anyOk = runs.some((r) => r.status === 'ok');
  let verdict: Evaluation['verdict'];
  let summary: string;
  if (errored.length > 0) {
    verdict = 'error';
    summary = `ERROR: attack${errored.length > 1 ? 's' : ''} ${errored.join(', ')} failed, so the release cannot be shown to be safe`;
  } else if (failed.length > 0) {
    verdict = 'fail';
    summary = `FAIL: ${failed.length} of ${checks.length} checks failed — ${failed[0].id}: ${failed[0].message}`;
  } else if (!anyOk || checks.length === 0) {
    verdict = 'fail';
    summary = 'FAIL: no policy check was evaluated, so nothing shows the release is safe';
  } else {
    verdict = 'pass';
    summary = `PASS: ${checks.length === 1 ? 'the one check' : `all ${checks.length} checks`} of policy ${policy.name} passed`;
  }
  return { verdict, summary, checks, attackVerdicts, thresholds };
}
