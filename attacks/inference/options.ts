/**
 * @module attacks/inference/options — the inference attack's settings, read from `ctx.inference`
 * (`--option inference.k=3`, a trial file's `options: { inference: … }`, or library callers) and
 * checked once here.
 *
 * Defaults follow Giomi et al., PETS 2023 (doi:10.56553/popets-2023-0055): the attacker guesses from
 * the single nearest released record (k = 1), and a numeric guess counts as correct within a relative
 * tolerance of 5% of the true value. TCAP targets records whose release equivalence class holds one
 * secret value only (τ = 1, Taub, Elliot & Sakshaug 2020).
 */
import { q, ReidgateError } from '../../src/errors.js';
import type { AttackContext } from '../types.js';

/** What a caller may set (all optional). */
export interface InferenceOptions {
  /** Nearest released records per guess (default 1). */
  k?: number;
  /** Relative tolerance of a numeric guess: correct when |guess − truth| ≤ tolerance·|truth| (default 0.05). */
  tolerance?: number;
  /** TCAP threshold τ in (0, 1]: the modal secret's share of the class at least τ (default 1). */
  tau?: number;
  /**
   * Targets per set, members and non-members alike (default: the run's --targets sample size, else
   * 10,000; capped by the smaller of the original and the control).
   */
  targets?: number;
}

/** The settings, checked. */
export interface Settings {
  k: number;
  tolerance: number;
  tau: number;
  /** Targets requested per set (before capping by the sizes of the original and the control). */
  requested: number;
  /** Whether the caller asked for that number (else it is the default, and capping is silent). */
  explicit: boolean;
}

export const DEFAULT_K = 1;
export const DEFAULT_TOLERANCE = 0.05;
export const DEFAULT_TAU = 1;
export const DEFAULT_TARGETS = 10_000;

/**
 * The option keys (`--option inference.KEY=VALUE`, or `options: inference:` in a trial file);
 * fetchRows is read by the run on engines other than local (src/engine/fetch-local.ts).
 */
const KEYS = ['k', 'tolerance', 'tau', 'targets', 'fetchRows'];

const bad = (what: string) => new ReidgateError('USAGE', `inference: ${what}`);

/**
 * Reads and checks the settings.
 * @param ctx - the attack context (`ctx.inference`, and `ctx.linkage` for the --targets sample size)
 * @throws ReidgateError('USAGE') for a k, tolerance, τ or target count out of range
 */
export function settings(ctx: AttackContext): Settings {
  const o = (ctx as { inference?: InferenceOptions }).inference ?? {};
  const unknown = Object.keys(o).filter((key) => !KEYS.includes(key));
  if (unknown.length > 0) {
    throw bad(`unknown option ${q(unknown[0])} (options: ${KEYS.join(', ')})`);
  }
  const k = o.k ?? DEFAULT_K;
  if (!Number.isInteger(k) || k < 1 || k > 100) throw bad(`k ${q(k)} must be a whole number from 1 to 100`);
  const tolerance = o.tolerance ?? DEFAULT_TOLERANCE;
  if (typeof tolerance !== 'number' || !(tolerance >= 0 && tolerance < 1)) {
    throw bad(`tolerance ${q(tolerance)} must be a number in [0, 1)`);
  }
  const tau = o.tau ?? DEFAULT_TAU;
  if (typeof tau !== 'number' || !(tau > 0 && tau <= 1))
    throw bad(`tau ${q(tau)} must be a number in (0, 1]`);
  const fromRun = ctx.linkage?.targetRows?.length;
  const requested = o.targets ?? fromRun ?? DEFAULT_TARGETS;
  if (!Number.isInteger(requested) || requested < 1) {
    throw bad(`targets ${q(requested)} must be a whole number of at least 1`);
  }
  return { k, tolerance, tau, requested, explicit: o.targets !== undefined || fromRun !== undefined };
}
