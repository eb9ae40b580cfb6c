/**
 * @module encode/generalized — reading generalized released values: numeric intervals in common
 * spellings, coarse dates, masked strings and suppression.
 *
 * Everything here works on distinct values (dictionary entries) in the main thread; attacks receive
 * only the resulting compatibility relation between codes.
 */

/** A numeric range with open or closed ends. */
export interface Range {
  lo: number;
  hi: number;
  loOpen: boolean;
  hiOpen: boolean;
}

const NUM = '[-+]?\\d+(?:\\.\\d+)?';
const num = (s: string) => Number(s);
const point = (v: number): Range => ({ lo: v, hi: v, loOpen: false, hiOpen: false });

/** Normalizes full-width digits and symbols (Japanese releases) to ASCII. */
function ascii(s: string): string {
  return s
    .trim()
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[＜]/g, '<')
    .replace(/[＞]/g, '>')
    .replace(/[＋]/g, '+')
    .replace(/[〜～~－–—]/g, '-')
    .replace(/[，]/g, ',')
    .replace(/\s+/g, '');
}

/**
 * Parses a numeric value or interval: `34`, `30-39`, `30～39`, `[30,40)`, `(30,40]`, `<20`, `≤20`,
 * `20未満`, `90+`, `≥90`, `>=90`, `90以上`, `90超`, `20以下`, `*` (everything). Returns null when
 * the text is none of these.
 */
export function parseNumericRange(text: string): Range | null {
  const s = ascii(text);
  if (s === '') return null;
  for (const [re, make] of NUMERIC_RULES) {
    const m = s.match(re);
    if (m) {
      const r = make(m);
      if (r) return r;
    }
  }
  return null;
}

const open = (lo: number, hi: number, loOpen: boolean, hiOpen: boolean): Range => ({
  lo,
  hi,
  loOpen,
  hiOpen,
});
const R = (body: string) => new RegExp(`^${body}$`);

/** Spellings of numeric values and intervals, tried in order. */
const NUMERIC_RULES: ReadonlyArray<[RegExp, (m: RegExpMatchArray) => Range | null]> = [
  [/^\*+$/, () => open(-Infinity, Infinity, true, true)],
  [R(NUM), (m) => point(num(m[0]))],
  [R(`([\\[(])(${NUM}),(${NUM})([\\])])`), (m) => open(num(m[2]), num(m[3]), m[1] === '(', m[4] === ')')],
  [
    R(`(${NUM})(?:歳)?-(${NUM})(?:歳)?`),
    (m) => (num(m[1]) <= num(m[2]) ? open(num(m[1]), num(m[2]), false, false) : null),
  ],
  [R(`(?:<=|≤|=<)(${NUM})`), (m) => open(-Infinity, num(m[1]), true, false)],
  [R(`<(${NUM})`), (m) => open(-Infinity, num(m[1]), true, true)],
  [R(`(?:>=|≥|=>)(${NUM})`), (m) => open(num(m[1]), Infinity, false, true)],
  [R(`>(${NUM})`), (m) => open(num(m[1]), Infinity, true, true)],
  [R(`(${NUM})\\+`), (m) => open(num(m[1]), Infinity, false, true)],
  [R(`(${NUM})(?:歳)?以上`), (m) => open(num(m[1]), Infinity, false, true)],
  [R(`(${NUM})(?:歳)?超`), (m) => open(num(m[1]), Infinity, true, true)],
  [R(`(${NUM})(?:歳)?以下`), (m) => open(-Infinity, num(m[1]), true, false)],
  [R(`(${NUM})(?:歳)?未満`), (m) => open(-Infinity, num(m[1]), true, true)],
];

/** True when `v` lies in `r`. */
export function inRange(v: number, r: Range): boolean {
  return (r.loOpen ? v > r.lo : v >= r.lo) && (r.hiOpen ? v < r.hi : v <= r.hi);
}

/** True when two ranges overlap (a point value is a degenerate range). */
export function overlaps(a: Range, b: Range): boolean {
  if (a.hi < b.lo || b.hi < a.lo) return false;
  if (a.hi === b.lo) return !a.hiOpen && !b.loOpen;
  if (b.hi === a.lo) return !b.hiOpen && !a.loOpen;
  return true;
}

const DAY = 86_400_000;

/**
 * Parses a date at any precision into a time range (UTC ms): `1980-05-17` (a day), `1980-05`,
 * `1980/5`, `198005` (a month), `1980` (a year), `1950-1954` (a band of years), `<=1934` (that year or before), `FY2020` / `2020年度` (a Japanese fiscal year,
 * April to March), `1980-**-**` / `1980-05-**` (masked), `*` (everything). Null when not a date.
 */
export function parseDateRange(text: string): Range | null {
  const s = ascii(text)
    .replace(/年度$/, 'FY')
    .replace(/[年月]/g, '-')
    .replace(/日$/, '')
    .replace(/-$/, '');
  if (/^\*+$/.test(s)) return { lo: -Infinity, hi: Infinity, loOpen: true, hiOpen: true };
  const span = (y: number, m0: number, d0: number, unit: 'y' | 'm' | 'd' | 'fy'): Range => {
    const lo = Date.UTC(y, m0, d0);
    const hi =
      unit === 'y'
        ? Date.UTC(y + 1, 0, 1)
        : unit === 'fy'
          ? Date.UTC(y + 1, 3, 1)
          : unit === 'm'
            ? Date.UTC(y, m0 + 1, 1)
            : lo + DAY;
    return { lo, hi, loOpen: false, hiOpen: true };
  };
  const rules: ReadonlyArray<[RegExp, (m: RegExpMatchArray) => Range]> = [
    [/^FY(\d{4})$/i, (m) => span(+m[1], 3, 1, 'fy')],
    [/^(\d{4})FY$/i, (m) => span(+m[1], 3, 1, 'fy')],
    [/^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$/, (m) => span(+m[1], +m[2] - 1, +m[3], 'd')],
    [/^(\d{4})(\d{2})(\d{2})$/, (m) => span(+m[1], +m[2] - 1, +m[3], 'd')],
    [/^(\d{4})[-/.](\d{1,2})(?:[-/.]\*+)?$/, (m) => span(+m[1], +m[2] - 1, 1, 'm')],
    [/^(\d{4})(\d{2})$/, (m) => span(+m[1], +m[2] - 1, 1, 'm')],
    [/^(\d{4})(?:[-/.]\*+){0,2}$/, (m) => span(+m[1], 0, 1, 'y')],
    // A band of years (`1950-1954`: 1950-01-01 … 1954-12-31) and a top-coded year (`<=1934`).
    [/^(\d{4})-(\d{4})$/, (m) => ({ ...span(+m[1], 0, 1, 'y'), hi: Date.UTC(+m[2] + 1, 0, 1) })],
    [
      /^(?:<=|≤)(\d{4})$/,
      (m) => ({ lo: -Infinity, hi: Date.UTC(+m[1] + 1, 0, 1), loOpen: true, hiOpen: true }),
    ],
  ];
  for (const [re, make] of rules) {
    const m = s.match(re);
    if (m) return make(m);
  }
  return null;
}

/** A masked string (`123**`, `A1*.*`) as a matcher: each `*` stands for one character. Null when unmasked. */
export function maskMatcher(text: string): ((v: string) => boolean) | null {
  if (!text.includes('*') || /^\*+$/.test(text)) return null;
  const re = new RegExp(`^${text.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.')}$`, 'u');
  return (v) => re.test(v);
}

/** True for a fully suppressed value (`*`, `**`, …), which matches anything. */
export function isSuppressed(text: string): boolean {
  return /^\*+$/.test(text.trim());
}

/**
 * An ARX-style generalization hierarchy: each line a value followed by its generalizations, from
 * fine to coarse (`34;30-39;30-49;*`). Maps every value to the set of its ancestors.
 */
export function parseHierarchy(text: string, delimiter = ';'): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const cells = line.split(delimiter);
    out.set(cells[0], new Set(cells.slice(1)));
  }
  return out;
}
