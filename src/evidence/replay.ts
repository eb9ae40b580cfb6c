/**
 * @module evidence/replay — `reidgate replay OUT/manifest.json`: re-run the exact trial a manifest records and
 * confirm identical numbers.
 *
 * Inputs are found at their recorded paths (or relative to the bundle, for a moved bundle) and re-hashed first:
 * a replay on other bytes would prove nothing, so a changed input stops it. The trial runs as resolved (same
 * seed, options, policy, attacks) into a fresh directory, and every metric's value and interval, the verdict
 * and the deterministic outputs (record-risk.csv, per-target files) are compared exactly.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { q, ReidgateError } from '../errors.js';
import type { Report } from '../report/model.js';
import { type Progress, runTrial } from '../run/run-trial.js';
import type { Trial } from '../trial/schema.js';
import { hashFile, type Manifest, readManifest, resultsOf } from './manifest.js';
import { locateInput } from './verify.js';

/** What a replay found. */
export interface Replay {
  manifest: Manifest;
  /** Where the replay wrote its outputs. */
  out: string;
  /** Differences from the recorded run; empty when every number matched. */
  differences: string[];
  /** Metrics compared. */
  compared: number;
  /** The replay's report (absent when a changed input stopped it). */
  report?: Report;
}

/** Outputs whose bytes depend only on the inputs, seed and options (reports carry timings and dates). */
function deterministic(name: string): boolean {
  return name.endsWith('.csv');
}

function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b);
}

/**
 * Compares recorded and replayed results exactly.
 * @param recorded - the manifest's results
 * @param replayed - the replay's results
 * @returns one line per difference
 */
export function compareResults(recorded: Manifest['results'], replayed: Manifest['results']): string[] {
  const out: string[] = [];
  if (recorded.verdict !== replayed.verdict)
    out.push(`verdict: recorded ${recorded.verdict}, replayed ${replayed.verdict}`);
  const ids = new Set([...Object.keys(recorded.metrics), ...Object.keys(replayed.metrics)]);
  for (const id of ids) {
    const a = recorded.metrics[id];
    const b = replayed.metrics[id];
    if (!a || !b) {
      out.push(`${id}: ${a ? 'missing from the replay' : 'not in the recorded run'}`);
      continue;
    }
    if (!sameNumber(a.value, b.value)) out.push(`${id}: recorded ${a.value}, replayed ${b.value}`);
    const ca = JSON.stringify(a.ci95);
    const cb = JSON.stringify(b.ci95);
    if (ca !== cb) out.push(`${id} ci95: recorded ${ca}, replayed ${cb}`);
  }
  return out;
}

/**
 * Replays a manifest.
 * @param manifestPath - manifest.json or the bundle directory
 * @param opts - `out`: where to write (default a fresh temporary directory; never the bundle itself);
 *   `progress`: progress events
 * @returns the differences (empty = identical numbers)
 * @throws ReidgateError (exit 2) for an unreadable manifest, a missing input, or `out` equal to the bundle
 */
export async function replayManifest(
  manifestPath: string,
  opts: { out?: string; progress?: Progress } = {},
): Promise<Replay> {
  const { manifest, path } = await readManifest(manifestPath);
  const bundle = dirname(path);
  const out = opts.out ? resolve(opts.out) : mkdtempSync(join(tmpdir(), 'reidgate-replay-'));
  if (resolve(out) === resolve(bundle))
    throw new ReidgateError(
      'USAGE',
      `--out ${q(out, 200)}: is the bundle being replayed; give another directory`,
    );

  const moved = new Map<string, string>();
  const differences: string[] = [];
  for (const f of manifest.inputs) {
    const p = locateInput(f, bundle);
    if (!p) {
      throw new ReidgateError(
        'INPUT_NOT_FOUND',
        `replay: input ${f.role} ${q(f.path, 200)} not found (nor at ${q(f.relative ?? '', 200)} from the bundle)`,
      );
    }
    const h = await hashFile(p);
    if (h.sha256 !== f.sha256)
      differences.push(`input ${f.role} ${p}: SHA-256 differs from the recorded run`);
    moved.set(f.path, p);
  }
  if (differences.length > 0) return { manifest, out, differences, compared: 0 };

  const at = (p: string | undefined) => (p === undefined ? undefined : (moved.get(p) ?? p));
  const t = manifest.trial;
  const trial: Trial = {
    ...structuredClone(t),
    release: at(t.release)!,
    original: at(t.original),
    control: at(t.control),
    auxiliary: at(t.auxiliary),
    populationTable: at(t.populationTable),
    policy: at(t.policy),
    file: at(t.file),
    qi: t.qi.map((x) => ({ ...x, hierarchy: at(x.hierarchy) })),
    out,
  };
  const { report, manifest: replayed } = await runTrial(trial, opts.progress);
  const now = resultsOf(report);
  differences.push(...compareResults(manifest.results, now));
  const outputs = new Map(replayed.outputs.map((f) => [f.path, f.sha256]));
  for (const f of manifest.outputs.filter((x) => deterministic(x.path))) {
    const sha = outputs.get(f.path);
    if (sha === undefined) differences.push(`output ${f.path}: not written by the replay`);
    else if (sha !== f.sha256) differences.push(`output ${f.path}: bytes differ from the recorded run`);
  }
  return { manifest, out, differences, compared: Object.keys(manifest.results.metrics).length, report };
}
