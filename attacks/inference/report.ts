/**
 * @module attacks/inference/report — what the inference attack says per secret: the report table,
 * details, warnings and the method note (column names, counts and rates only, never record values).
 */
import type { Rate } from '../../src/stats/intervals.js';
import type { TableOut } from '../types.js';
import type { Settings } from './options.js';
import type { CapFigures, SecretScore } from './score.js';

const fmt = (x: number) => x.toFixed(4);
const withCi = (value: number, ci: [number, number]) => `${fmt(value)} [${fmt(ci[0])}, ${fmt(ci[1])}]`;
const rateText = (r: Rate | null | undefined) => (r ? withCi(r.value, r.ci) : '—');

/** One row per secret; the verdict's secret is marked. */
export function secretTable(scores: readonly SecretScore[], top: string, s: Settings): TableOut {
  return {
    title: 'Attribute inference by secret',
    note: `Rates with 95% Wilson intervals (n = targets with a known secret); risk = (accuracy − control)/(1 − control) with its propagated interval. CAP: mean correct attribution probability of the target's value in its QI class of the release (members / non-members); TCAP over targeted classes (modal share ≥ ${s.tau}). The metrics are those of ${top}, whose risk is the largest.`,
    columns: [
      'secret',
      'kind',
      'n',
      'accuracy',
      'controlAccuracy',
      'baselineAccuracy',
      'risk',
      'CAP members',
      'CAP control',
      'TCAP members',
    ],
    rows: scores.map((x) => [
      x.secret === top ? `${x.secret} (verdict)` : x.secret,
      x.numeric ? `numeric (±${s.tolerance * 100}%)` : 'categorical',
      x.main?.n ?? 0,
      rateText(x.main),
      rateText(x.control),
      rateText(x.baseline),
      x.risk ? withCi(x.risk.value, x.risk.ci) : '—',
      rateText(x.cap?.main.capMean),
      rateText(x.cap?.control.capMean),
      x.cap ? (x.cap.main.tcap ? `${rateText(x.cap.main.tcap)} (${x.cap.main.targeted})` : '— (0)') : '—',
    ]),
  };
}

const rateDetail = (r: Rate | null | undefined) =>
  r ? { value: r.value, ci95: r.ci, n: r.n, successes: r.successes } : null;

function capDetail(c: CapFigures): Record<string, unknown> {
  return {
    capMean: rateDetail(c.capMean),
    capMeanUndefinedAsZero: rateDetail(c.capMeanAll),
    capBaseline: rateDetail(c.capBaseline),
    matchedShare: c.matched,
    tcap: rateDetail(c.tcap),
    targeted: c.targeted,
  };
}

/** A secret's figures for the report's details. */
export function describeSecret(x: SecretScore): Record<string, unknown> {
  const g = x.guesses;
  return {
    kind: x.numeric ? 'numeric' : 'categorical',
    accuracy: rateDetail(x.main),
    controlAccuracy: rateDetail(x.control),
    baselineAccuracy: rateDetail(x.baseline),
    majorityGuess: {
      accuracy: rateDetail(x.majority.main),
      controlAccuracy: rateDetail(x.majority.control),
      risk: x.majority.risk
        ? { value: x.majority.risk.value, ci95: x.majority.risk.ci, error: x.majority.risk.error }
        : null,
    },
    risk: x.risk ? { value: x.risk.value, ci95: x.risk.ci, error: x.risk.error } : null,
    noGuess: { members: g.main.noGuess, control: g.control.noGuess },
    ...(x.cap ? { cap: { members: capDetail(x.cap.main), control: capDetail(x.cap.control) } } : {}),
  };
}

/** Warnings for one secret: nothing to score, no better than chance, guesses missing. */
export function secretWarnings(x: SecretScore, targets: number): string[] {
  const out: string[] = [];
  const g = x.guesses;
  if (!x.main || !x.control) {
    out.push(
      `inference on ${x.secret} was not scored: ${!x.main ? 'no member target' : 'no control target'} has a known value`,
    );
    return out;
  }
  if (g.main.n < targets) {
    out.push(
      `${x.secret}: ${targets - g.main.n} of ${targets} member targets have no value and were not attacked`,
    );
  }
  if (g.main.noGuess + g.control.noGuess > 0) {
    out.push(
      `${x.secret}: for ${g.main.noGuess} member and ${g.control.noGuess} control targets no near release record holds a value; counted as wrong guesses`,
    );
  }
  const mr = x.majority.risk;
  if (mr && mr.ci[0] > 0) {
    out.push(
      `${x.secret}: members and control targets differ in how guessable the value is — always guessing the release's most frequent value already gives a "risk" of ${fmt(mr.value)} [${fmt(mr.ci[0])}, ${fmt(mr.ci[1])}] (right for ${fmt(x.majority.main!.value)} of members, ${fmt(x.majority.control!.value)} of control targets); up to about that much of the inference risk ${fmt(x.risk!.value)} may reflect the two samples rather than a leak`,
    );
  }
  if (x.baseline && x.main.value <= x.baseline.value) {
    out.push(
      `${x.secret}: the attack did no better than guessing from the release's marginal distribution (accuracy ${fmt(x.main.value)} ≤ baseline ${fmt(x.baseline.value)}): it is weak here and its risk figure says little`,
    );
  }
  return out;
}

/** The method note for the report. */
export function methodNote(
  s: Settings,
  targets: number,
  qi: readonly string[],
  top: string,
  channels: Readonly<Record<string, string>> = {},
): string {
  const randomized = Object.entries(channels);
  return [
    `Attacker: knows each target's quasi-identifiers (${qi.join(', ')}) and holds the release; it guesses each sensitive attribute ("secret") in turn.`,
    `Guess: from the ${s.k === 1 ? 'nearest released record' : `${s.k} nearest released records`} under Gower distance over the QIs (numeric terms |x − y| / range over release and targets; generalized release values that cover the target's value count as equal; missing values are left out of a pair's average) — ${s.k === 1 ? 'its value' : 'the most frequent value (categorical) or the mean (numeric)'}. Records at equal distance are taken in a seeded random order.`,
    `Correct: a categorical guess equal to the target's value; a numeric guess within ${s.tolerance * 100}% of the true value (|guess − truth| ≤ ${s.tolerance}·|truth|, the relative tolerance of Giomi et al., PETS 2023).`,
    `Targets: ${targets} seeded members of --original (main attack) and ${targets} seeded records of --control (control attack: what the release teaches about anyone); baseline: each member's guess is the value of a random release record.`,
    `risk = (accuracy − control)/(1 − control) on Wilson centres with first-order error propagation (Giomi et al. 2023). The headline metrics are those of the secret with the largest risk (${top}); every secret's figures are in the table and details.`,
    `CAP (categorical secrets): the share of the release records in the target's QI class (exact QI values, or generalized values covering them) that hold the target's value, averaged over targets whose class exists (Taub, Elliot et al., PSD 2018); TCAP: the share of correct attributions among targets whose release class has a modal value of share ≥ τ = ${s.tau}.`,
    randomized.length > 0
      ? `Declared randomization of the secret${randomized.length > 1 ? 's' : ''} ${randomized.map(([c, m]) => `${c} (${m})`).join(', ')}: the attacker knows the channel, estimates the distribution of true values from the release by EM, and guesses the value with the largest posterior given the neighbours' released values (numeric secrets on a grid of 201 values; posterior.ts). CAP and TCAP still read released values at face value. Randomized QIs are searched as released (their noise makes the neighbours less informative, which the control attack sees too).`
      : 'No randomization is declared for the secrets: released values are read at face value.',
  ].join(' ');
}
