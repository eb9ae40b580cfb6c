/**
 * @module test/reports/fixture — a small valid report for the writer tests: a failing `uniqueness` attack with a
 * class-size histogram, a passing `linkage` attack with intervals, a skipped `membership` and an errored
 * `inference` attack.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../src/report/model.js';

/**
 * Builds a fresh report (a new object on every call, safe to mutate).
 * @returns a report that passes `validateReport`
 */
export function makeReport(): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'reidgate', version: '0.1.0' },
    verdict: 'fail',
    summary: '1 of 4 checks failed: uniqueness.minClassSize is 1, the policy requires at least 5.',
    seed: 7,
    createdAt: '2025-06-01T12:00:00.000Z',
    trial: {
      name: 'cohort-2025',
      qi: ['age', 'sex', 'zip3'],
      sensitive: ['diagnosis'],
      attacks: ['uniqueness', 'linkage', 'membership', 'inference'],
      workers: 2,
      missingSemantics: 'A suppressed value (`*`) is its own token.',
    },
    policy: {
      name: 'controlled-k5',
      description: 'Controlled sharing: k = 5, max record risk 0.2.',
      recordThreshold: 0.2,
      sources: ['El Emam, Guide to the De-Identification of Personal Health Information (2013)'],
    },
    inputs: {
      release: {
        path: 'data/release.csv',
        sha256: 'a3f1c9e2b7d40815f00dbabe1234567890abcdef1234567890abcdef12345678',
        rows: 12345,
        columns: ['age', 'sex', 'zip3', 'diagnosis'],
        format: 'csv',
        bytes: 456789,
      },
      original: {
        path: 'data/original.parquet',
        sha256: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        rows: 12345,
        columns: ['id', 'age', 'sex', 'zip3', 'diagnosis'],
      },
    },
    attacks: [
      {
        id: 'uniqueness',
        title: 'Sample uniqueness',
        status: 'ok',
        verdict: 'fail',
        seconds: 0.1234,
        metrics: {
          records: {
            value: 12345,
            ci95: null,
            threshold: null,
            passed: null,
            explain: 'records in the release',
          },
          minClassSize: {
            value: 1,
            ci95: null,
            threshold: 5,
            op: '>=',
            passed: false,
            explain: 'size of the smallest group of records sharing all QI values',
          },
          sampleUniqueFraction: {
            value: 0.012345678,
            ci95: null,
            threshold: 0.05,
            op: '<=',
            passed: true,
            explain: 'share of records unique on the QIs',
          },
        },
        method: 'Classes are records with identical released QI values.',
        references: ['El Emam & Dankar, JAMIA 2008, https://doi.org/10.1197/jamia.M2716'],
        details: { classes: 4321 },
        histograms: [
          {
            label: 'class size',
            bins: ['1', '2', '3', '4', '5-9', '10+'],
            classes: [150, 80, 40, 20, 30, 4001],
            records: [150, 160, 120, 80, 200, 11635],
          },
        ],
        tables: [
          {
            title: 'Sample uniques with one QI left out',
            columns: ['QI left out', 'sampleUniques'],
            rows: [
              ['age', 120],
              ['zip <b>', 80],
            ],
          },
        ],
        series: [],
        warnings: ['Column `zip3` has 3 suppressed values.'],
      },
      {
        id: 'linkage',
        title: 'Linkage attack',
        status: 'ok',
        verdict: 'pass',
        seconds: 2.5,
        metrics: {
          reidentificationRate: {
            value: 0.0123456,
            ci95: [0.0091234, 0.0165432],
            n: 2000,
            threshold: 0.09,
            op: '<=',
            passed: true,
            explain: 'share of targets linked to their own record',
          },
        },
        references: [],
        details: {},
        histograms: [],
        tables: [
          {
            title: 'Sample uniques without each QI',
            columns: ['QI left out', 'sample uniques'],
            rows: [
              ['age', 120],
              ['zip <b>', 80],
            ],
          },
        ],
        series: [],
        warnings: [],
      },
      {
        id: 'membership',
        title: 'Membership inference',
        status: 'skipped',
        verdict: 'none',
        seconds: 0,
        reason: 'needs --control',
        metrics: {},
        references: [],
        details: {},
        histograms: [],
        tables: [],
        series: [],
        warnings: [],
      },
      {
        id: 'inference',
        title: 'Attribute inference',
        status: 'error',
        verdict: 'none',
        seconds: 0.01,
        reason: 'worker crashed: out of memory',
        metrics: {},
        references: [],
        details: {},
        histograms: [],
        tables: [],
        series: [],
        warnings: [],
      },
    ],
    checks: [
      {
        id: 'uniqueness.minClassSize',
        attack: 'uniqueness',
        metric: 'minClassSize',
        op: '>=',
        threshold: 5,
        value: 1,
        compared: 1,
        passed: false,
        message: 'minClassSize 1 < 5',
        source: 'El Emam 2013',
      },
      {
        id: 'uniqueness.sampleUniqueFraction',
        attack: 'uniqueness',
        metric: 'sampleUniqueFraction',
        op: '<=',
        threshold: 0.05,
        value: 0.012345678,
        compared: 0.012345678,
        passed: true,
        message: 'sampleUniqueFraction 0.01235 <= 0.05',
      },
      {
        id: 'linkage.reidentificationRate',
        attack: 'linkage',
        metric: 'reidentificationRate',
        op: '<=',
        threshold: 0.09,
        value: 0.0123456,
        compared: 0.0165432,
        passed: true,
        message: 'upper 95% bound 0.01654 <= 0.09',
      },
      {
        id: 'inference',
        attack: 'inference',
        metric: null,
        op: null,
        threshold: null,
        value: null,
        compared: null,
        passed: false,
        message: 'required attack inference did not complete',
      },
    ],
    warnings: ['The release has 3 fewer rows than the original.'],
    containsRecordValues: false,
    examples: [],
  };
}

/**
 * Makes a fresh temporary directory for one test.
 * @returns its path
 */
export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'reidgate-reports-'));
}

/**
 * Adds the three kinds of curves the attacks return to a report: a membership ROC (log FPR axis, a step per score,
 * bands, a point at FPR 0 that the log axis cannot show), a linkage precision–coverage curve (a line per method)
 * and a code-set uniqueness-by-m bar chart with intervals. Synthetic numbers, for drawing only.
 * @param r - a report from {@link makeReport}
 * @returns the same report, changed
 */
export function withSeries(r: Report): Report {
  const fprs = [0, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1];
  const roc = ['dcr-gower', 'density-ratio'].flatMap((group, g) =>
    fprs.map((x) => {
      const y = Math.min(1, x ** (g === 0 ? 0.5 : 0.7));
      return { x, y, group, lo: Math.max(0, y - 0.05), hi: Math.min(1, y + 0.05) };
    }),
  );
  const coverage = ['exact', 'probabilistic'].flatMap((group, g) =>
    [1, 2, 5, 10, 20, 50, 100].map((c) => ({ x: c / 100, y: 0.9 - 0.004 * c * (g + 1), group })),
  );
  r.attacks[1].series = [
    {
      id: 'precision-coverage',
      title: 'Precision by coverage',
      x: { label: 'coverage (share of targets linked)', scale: 'linear' },
      y: { label: 'precision', scale: 'linear' },
      mark: 'line',
      points: coverage,
      note: 'Targets ranked by match confidence.',
    },
  ];
  r.attacks[2] = {
    ...r.attacks[2],
    status: 'ok',
    reason: undefined,
    series: [
      {
        id: 'roc',
        title: 'ROC (log FPR)',
        x: { label: 'false positive rate', scale: 'log' },
        y: { label: 'true positive rate', scale: 'linear' },
        mark: 'step',
        points: roc,
      },
    ],
  };
  r.attacks[0].series = [
    {
      id: 'unique-by-m',
      title: 'Records unique on m codes',
      x: { label: 'm (codes known)', scale: 'linear' },
      y: { label: 'unique fraction', scale: 'linear' },
      mark: 'bar',
      points: [1, 2, 3, 4].map((m) => ({ x: m, y: 0.1 * m, lo: 0.1 * m - 0.02, hi: 0.1 * m + 0.02 })),
    },
  ];
  return r;
}
