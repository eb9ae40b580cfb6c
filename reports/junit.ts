/**
 * @module reports/junit — `junit.xml` for CI test tabs: one `<testsuite>` per attack (name = attack id), one
 * `<testcase>` per policy check (classname `reidgate.<attack>`, name = metric) with `<failure>` when it failed.
 * An attack whose status is `error` adds a testcase `run` with `<error>`; a skipped attack a testcase `run` with
 * `<skipped>`. Written by hand; every attribute and text node is XML-escaped.
 */
import type { AttackResult, Check, Report } from '../src/report/model.js';

/** Characters XML 1.0 forbids (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF): dropped. */
const INVALID_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters XML 1.0 forbids
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Escapes text for an XML attribute value or text node (also keeps tabs and line breaks inside attributes).
 * @param s - any string
 * @returns the string with `& < > " '` and whitespace controls escaped and characters XML forbids removed
 */
export function escapeXml(s: string): string {
  return s.replace(INVALID_XML, '').replace(/[&<>"'\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface Case {
  name: string;
  time: number;
  /** Inner element, already escaped (`<failure …>`, `<error …/>`, `<skipped …/>`), or '' for a pass. */
  body: string;
  kind: 'pass' | 'failure' | 'error' | 'skipped';
}

function attrs(pairs: Record<string, string | number>): string {
  return Object.entries(pairs)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

function seconds(s: number): string {
  return s.toFixed(3);
}

function checkCase(check: Check): Case {
  const name = check.metric ?? check.id;
  if (check.passed) return { name, time: 0, body: '', kind: 'pass' };
  const detail =
    `${check.id}: value ${check.value ?? 'none'}, compared ${check.compared ?? 'none'}` +
    (check.threshold === null ? '' : ` ${check.op ?? ''} ${check.threshold}`) +
    (check.source ? ` (source: ${check.source})` : '');
  return {
    name,
    time: 0,
    kind: 'failure',
    body: `<failure${attrs({ message: check.message, type: 'policy' })}>${escapeXml(detail)}</failure>`,
  };
}

function statusCase(attack: AttackResult): Case | undefined {
  if (attack.status === 'error') {
    const message = attack.reason ?? 'the attack failed';
    return {
      name: 'run',
      time: attack.seconds,
      kind: 'error',
      body: `<error${attrs({ message, type: 'ATTACK_FAILED' })}/>`,
    };
  }
  if (attack.status === 'skipped') {
    return {
      name: 'run',
      time: attack.seconds,
      kind: 'skipped',
      body: `<skipped${attrs({ message: attack.reason ?? 'skipped' })}/>`,
    };
  }
  return undefined;
}

function timestamp(createdAt: string): string | undefined {
  const t = Date.parse(createdAt);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().slice(0, 19);
}

/**
 * Renders the report as JUnit XML.
 * @param report - a validated report
 * @returns the XML document; the `tests`, `failures`, `errors` and `skipped` counts of every suite and of the
 *   `<testsuites>` root match the testcases written
 */
export function toJunit(report: Report): string {
  const ids = [...new Set([...report.attacks.map((a) => a.id), ...report.checks.map((c) => c.attack)])];
  const stamp = timestamp(report.createdAt);
  const total = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
  const suites: string[] = [];
  for (const id of ids) {
    const attack = report.attacks.find((a) => a.id === id);
    const cases: Case[] = [];
    const status = attack && statusCase(attack);
    if (status) cases.push(status);
    for (const check of report.checks) if (check.attack === id) cases.push(checkCase(check));
    const count = (k: Case['kind']) => cases.filter((c) => c.kind === k).length;
    const s = {
      tests: cases.length,
      failures: count('failure'),
      errors: count('error'),
      skipped: count('skipped'),
      time: attack?.seconds ?? 0,
    };
    total.tests += s.tests;
    total.failures += s.failures;
    total.errors += s.errors;
    total.skipped += s.skipped;
    total.time += s.time;
    const lines = [
      `  <testsuite${attrs({ name: id, ...s, time: seconds(s.time), ...(stamp ? { timestamp: stamp } : {}) })}>`,
      `    <properties>`,
      `      <property${attrs({ name: 'status', value: attack?.status ?? 'not run' })}/>`,
      `      <property${attrs({ name: 'verdict', value: attack?.verdict ?? 'none' })}/>`,
      `    </properties>`,
    ];
    for (const c of cases) {
      const open = `    <testcase${attrs({ classname: `reidgate.${id}`, name: c.name, time: seconds(c.time) })}`;
      lines.push(c.body ? `${open}>\n      ${c.body}\n    </testcase>` : `${open}/>`);
    }
    lines.push('  </testsuite>');
    suites.push(lines.join('\n'));
  }
  const name = `reidgate ${report.trial.name ?? report.policy.name}`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name, ...total, time: seconds(total.time) })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
