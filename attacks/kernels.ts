/**
 * @module attacks/kernels — the registry of pure kernels that workers run by name.
 */
import { classStats } from './diversity/kernels.js';
import { buildNeighbourIndex, neighbourSearch } from './linkage/distance-kernels.js';
import { exactSets } from './linkage/exact-kernels.js';
import { fsBest, fsPairs, fsRandomPairs } from './linkage/fs-kernels.js';
import { sparseScore } from './linkage/sparse-kernels.js';
import { bootstrapReplicates } from './membership/evaluate.js';
import { knnSearch } from './membership/knn-kernel.js';
import { likelihoodSums } from './membership/likelihood.js';
import { matchCount, qiClasses } from './person-match/kernels.js';
import { classWeights } from './population/kernels.js';
import { rarePairs } from './rare-values/kernels.js';
import { generateMultivariate } from './singling-out/generate.js';
import { countMatches } from './singling-out/kernels.js';
import { sudaSearch } from './suda/kernels.js';
import { composeKeys, groupKeys, pairUniques } from './uniqueness/kernels.js';
import { wildcardCounts } from './uniqueness/wildcard.js';

/** Every kernel a worker can run. Kernels are pure: typed inputs in, counts out, no I/O. */
export const KERNELS = {
  'diversity.classStats': classStats,
  'linkage.distanceIndex': buildNeighbourIndex,
  'linkage.distanceSearch': neighbourSearch,
  'linkage.exactSets': exactSets,
  'linkage.fsBest': fsBest,
  'linkage.fsPairs': fsPairs,
  'linkage.fsRandomPairs': fsRandomPairs,
  'linkage.sparseScore': sparseScore,
  'membership.bootstrap': bootstrapReplicates,
  'membership.knn': knnSearch,
  'membership.likelihood': likelihoodSums,
  'personMatch.count': matchCount,
  'personMatch.qiClasses': qiClasses,
  'population.classWeights': classWeights,
  'rareValues.pairs': rarePairs,
  'singlingOut.countMatches': countMatches,
  'singlingOut.generateMultivariate': generateMultivariate,
  'suda.search': sudaSearch,
  'uniqueness.composeKeys': composeKeys,
  'uniqueness.groupKeys': groupKeys,
  'uniqueness.pairUniques': pairUniques,
  'uniqueness.wildcardCounts': wildcardCounts,
} as const;

export type KernelName = keyof typeof KERNELS;
export type KernelPayload<K extends KernelName> = Parameters<(typeof KERNELS)[K]>[0];
export type KernelResult<K extends KernelName> = ReturnType<(typeof KERNELS)[K]>;

/**
 * Runs a kernel by name (the worker side of the pool; also callable in-thread).
 * @throws Error when no kernel has that name (a programming error)
 */
export function runKernel(name: string, payload: unknown): unknown {
  const k = (KERNELS as Record<string, (p: unknown) => unknown>)[name];
  if (!k) throw new Error(`no kernel named ${name}`);
  return k(payload);
}
