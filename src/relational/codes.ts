/**
 * @module relational/codes — code systems, normalization and truncation of event codes.
 *
 * ICD-10 codes are compared without their dot and in upper case (`e11.9` ≡ `E119`), so a release that
 * keeps the first three characters (`E11`) is the original truncated to 3. Other systems are compared
 * as written (trimmed). Truncation to N keeps the first N characters of the normalized code.
 */

/** Code systems a trial may declare. */
export const CODE_SYSTEMS = ['icd10', 'atc', 'any'] as const;
export type CodeSystem = (typeof CODE_SYSTEMS)[number];

/** What a normalized code of each system looks like (truncated codes included). */
const PATTERNS: Readonly<Record<Exclude<CodeSystem, 'any'>, RegExp>> = {
  // ICD-10 (WHO and national extensions such as ICD-10-CM / Japanese codes): letter, 2 digits, up to 4 more.
  icd10: /^[A-Z][0-9]{2}[0-9A-Z]{0,4}$/,
  // WHO ATC: A, A10, A10B, A10BA, A10BA02 (levels 1–5).
  atc: /^[A-Z](?:[0-9]{2}(?:[A-Z](?:[A-Z](?:[0-9]{2})?)?)?)?$/,
};

/** Normalizes a code of `system` (ICD-10: trimmed, upper case, dot removed; others: trimmed). */
export function normalizeCode(raw: string, system: CodeSystem): string {
  const s = raw.trim();
  return system === 'icd10' ? s.toUpperCase().replace('.', '') : s;
}

/** True when a normalized code belongs to `system` (always true for `any`). */
export function inSystem(code: string, system: CodeSystem): boolean {
  return system === 'any' || PATTERNS[system].test(code);
}
