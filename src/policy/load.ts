/**
 * @module policy/load — resolve a preset or a policy file into a validated Policy.
 */
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { ATTACKS, findAttack } from '../../attacks/index.js';
import { listNames, q, ReidgateError } from '../errors.js';
import { DEFAULT_PRESET, PRESETS } from './presets.js';
import { type Policy, PolicyFile } from './schema.js';

/**
 * The named preset.
 * @throws ReidgateError('USAGE') listing the presets when there is none of that name
 */
export function presetPolicy(name: string): Policy {
  const p = PRESETS[name];
  if (!p)
    throw new ReidgateError(
      'USAGE',
      `--preset ${q(name)}: no such preset (presets: ${listNames(Object.keys(PRESETS))})`,
    );
  return structuredClone(p);
}

/**
 * Checks that every attack and metric a policy names exists.
 * @throws ReidgateError('POLICY') naming the unknown attack or metric
 */
export function validatePolicy(p: Policy, label: string): Policy {
  const ids = ATTACKS.map((a) => a.id);
  for (const id of [...p.required, ...p.optional]) {
    if (!findAttack(id))
      throw new ReidgateError('POLICY', `${label}: unknown attack ${q(id)} (attacks: ${listNames(ids)})`);
  }
  for (const c of p.checks) {
    const attack = findAttack(c.attack);
    if (!attack)
      throw new ReidgateError(
        'POLICY',
        `${label}: check on unknown attack ${q(c.attack)} (attacks: ${listNames(ids)})`,
      );
    if (!(c.metric in attack.metrics)) {
      throw new ReidgateError(
        'POLICY',
        `${label}: attack ${c.attack} has no metric ${q(c.metric)} (metrics: ${listNames(Object.keys(attack.metrics))})`,
      );
    }
  }
  return p;
}

/**
 * Reads a policy file (YAML or JSON), applying its `extends` preset.
 * @param path - the file
 * @throws ReidgateError('INPUT_NOT_FOUND') when unreadable, ('POLICY') when invalid
 */
export function loadPolicyFile(path: string): Policy {
  const label = `--policy ${path}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ReidgateError('INPUT_NOT_FOUND', `${label}: cannot read the file`);
  }
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (e) {
    throw new ReidgateError(
      'POLICY',
      `${label}: not valid YAML or JSON (${(e as Error).message.split('\n')[0]})`,
    );
  }
  const r = PolicyFile.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ReidgateError('POLICY', `${label}: ${i.path.join('.') || 'policy'}: ${i.message}`);
  }
  const f = r.data;
  const base: Policy = f.extends
    ? presetPolicy(f.extends)
    : {
        name: f.name,
        description: '',
        recordThreshold: 0.2,
        required: ['uniqueness'],
        optional: [],
        checks: [],
        sources: [],
      };
  const policy: Policy = {
    name: f.name,
    description: f.description || base.description,
    recordThreshold: f.recordThreshold ?? base.recordThreshold,
    required: f.required ?? base.required,
    optional: f.optional ?? base.optional,
    checks: [...(f.extends ? base.checks : []), ...f.checks],
    sources: [...base.sources, ...(f.sources ?? [])],
  };
  return validatePolicy(policy, label);
}

/** The policy for a run: a file, a preset, or the default preset. */
export function resolvePolicy(opts: { policy?: string; preset?: string }): Policy {
  if (opts.policy && opts.preset)
    throw new ReidgateError('USAGE', '--policy and --preset: give one, not both');
  if (opts.policy) return loadPolicyFile(opts.policy);
  return validatePolicy(
    presetPolicy(opts.preset ?? DEFAULT_PRESET),
    `--preset ${opts.preset ?? DEFAULT_PRESET}`,
  );
}
