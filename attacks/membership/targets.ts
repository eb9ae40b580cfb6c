/**
 * @module attacks/membership/targets — who is attacked: a seeded, balanced sample of members and
 * non-members, and the reference sample the relative scores compare with.
 *
 * The control (records of the same population never used to make the release) is split at random into
 * a *reference half* (never a target: it stands for what the attacker knows of the population) and a
 * *target half*; non-member targets are drawn from the target half, member targets from the original.
 * Both classes get m = min(requested, original rows, target-half rows) targets (default requested
 * 1000 per class). Each class is then split at random into two evaluation halves A and B, so that
 * thresholds chosen on one half are evaluated on the other (evaluate.ts).
 */
import { deriveSeed, rng, sampleIndices } from '../../src/stats/random.js';

export const DEFAULT_TARGETS_PER_CLASS = 1000;

export interface MembershipTargets {
  /** Member targets: rows of the original (ascending). */
  members: Int32Array;
  /** Non-member targets: rows of the control's target half (ascending). */
  nonMembers: Int32Array;
  /** The reference half of the control (ascending). */
  reference: Int32Array;
  /** Per target (members first, then non-members): evaluation half 0 (A) or 1 (B). */
  half: Uint8Array;
  /** Targets per class that were asked for, and why (for the report). */
  requested: number;
  requestedFrom: 'default' | 'option' | '--targets';
  warnings: string[];
}

/** A seeded random permutation of [0, n). */
function permutation(n: number, random: () => number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Marks half of `n` positions (a seeded sample of ⌊n/2⌋) as half 1. */
function halves(n: number, random: () => number): Uint8Array {
  const out = new Uint8Array(n);
  for (const i of sampleIndices(n, n >> 1, random)) out[i] = 1;
  return out;
}

/**
 * Samples the targets and the reference.
 * @param nOriginal - rows of the original (members)
 * @param nControl - rows of the control (non-members), at least 2
 * @param requested - targets per class wanted
 * @param requestedFrom - where that number came from
 * @param seed - the attack's seed
 */
export function sampleTargets(
  nOriginal: number,
  nControl: number,
  requested: number,
  requestedFrom: MembershipTargets['requestedFrom'],
  seed: number,
): MembershipTargets {
  const split = permutation(nControl, rng(deriveSeed(seed, 'membership/control-split')));
  const nRef = nControl >> 1;
  const reference = split.slice(0, nRef).sort();
  const targetHalf = split.slice(nRef);
  const m = Math.min(requested, nOriginal, targetHalf.length);
  const warnings: string[] = [];
  if (m < requested) {
    const short = nOriginal < requested ? `the original has ${nOriginal} records` : '';
    const shortC =
      targetHalf.length < requested
        ? `the control's target half has ${targetHalf.length} (the other ${nRef} control records are the reference sample)`
        : '';
    warnings.push(
      `${requested} targets per class were requested but ${[short, shortC].filter(Boolean).join(' and ')}: all ${m} available were used per class`,
    );
  }
  const members = sampleIndices(nOriginal, m, rng(deriveSeed(seed, 'membership/members')));
  const pick = sampleIndices(targetHalf.length, m, rng(deriveSeed(seed, 'membership/non-members')));
  const nonMembers = Int32Array.from(pick, (i) => targetHalf[i]).sort();
  const random = rng(deriveSeed(seed, 'membership/halves'));
  const half = new Uint8Array(2 * m);
  half.set(halves(m, random), 0);
  half.set(halves(m, random), m);
  return { members, nonMembers, reference, half, requested, requestedFrom, warnings };
}
