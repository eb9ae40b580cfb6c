/**
 * @module policy/schema — the policy file format (YAML or JSON).
 *
 * ```yaml
 * name: hospital-gate
 * description: Shared under a data-use agreement
 * extends: controlled            # optional: start from a preset
 * recordThreshold: 0.2           # a record is "at risk" above this re-identification probability
 * required: [uniqueness]         # attacks that must run; if skipped or failed, the verdict cannot pass
 * optional: []                   # attacks whose error or skip does not block a pass
 * checks:
 *   - { attack: uniqueness, metric: prosecutorRiskMax, max: 0.2, source: "El Emam 2013" }
 *   - { attack: uniqueness, metric: minClassSize, min: 5 }
 * ```
 * A check with `max` passes when the metric — or, for a metric with an interval, the interval's
 * upper end (`bound: pessimistic`, the default) — is at most `max`; `min` likewise with the lower end.
 */
import { z } from 'zod';

export const PolicyCheck = z
  .object({
    attack: z.string().min(1),
    metric: z.string().min(1),
    max: z.number().finite().optional(),
    min: z.number().finite().optional(),
    /** Compare the interval's pessimistic end (default) or the point value. */
    bound: z.enum(['pessimistic', 'point']).default('pessimistic'),
    source: z.string().optional(),
  })
  .strict()
  .refine((c) => (c.max === undefined) !== (c.min === undefined), {
    message: 'a check needs exactly one of max or min',
  });
export type PolicyCheck = z.infer<typeof PolicyCheck>;

export const PolicyFile = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    extends: z.string().optional(),
    recordThreshold: z.number().gt(0).lte(1).optional(),
    required: z.array(z.string()).optional(),
    optional: z.array(z.string()).optional(),
    checks: z.array(PolicyCheck).default([]),
    sources: z.array(z.string()).optional(),
  })
  .strict();
export type PolicyFile = z.input<typeof PolicyFile>;

/** A resolved policy. */
export interface Policy {
  name: string;
  description: string;
  recordThreshold: number;
  required: string[];
  optional: string[];
  checks: PolicyCheck[];
  sources: string[];
}
