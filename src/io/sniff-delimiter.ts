/**
 * @module io/sniff-delimiter — picks the CSV delimiter from the first lines of a file.
 */
import { q, ReidgateError } from '../errors.js';

/** Delimiters reidgate sniffs among and accepts. */
export const DELIMITERS: readonly string[] = [',', ';', '\t', '|'];

/** How many records the sniffer looks at. */
const SAMPLE_RECORDS = 20;

/**
 * Counts fields per record for one delimiter, outside quotes, over the first records of `sample`;
 * blank lines are skipped, and a last record without a line end counts only when `complete`.
 */
function fieldCounts(sample: string, d: string, complete: boolean): number[] {
  const counts: number[] = [];
  let n = 1;
  let inQuotes = false;
  let atFieldStart = true;
  let hasContent = false;
  for (let i = 0; i < sample.length && counts.length < SAMPLE_RECORDS; i++) {
    const c = sample[i];
    if (inQuotes) {
      if (c === '"') {
        if (sample[i + 1] === '"') i++;
        else inQuotes = false;
      }
      continue;
    }
    if (c === '"' && atFieldStart) {
      inQuotes = true;
      atFieldStart = false;
      hasContent = true;
    } else if (c === d) {
      n++;
      atFieldStart = true;
      hasContent = true;
    } else if (c === '\n' || c === '\r') {
      if (hasContent) counts.push(n);
      if (c === '\r' && sample[i + 1] === '\n') i++;
      n = 1;
      atFieldStart = true;
      hasContent = false;
    } else {
      atFieldStart = false;
      hasContent = true;
    }
  }
  if (complete && hasContent && !inQuotes && counts.length < SAMPLE_RECORDS) counts.push(n);
  return counts;
}

/**
 * Picks the delimiter: among `,` `;` tab `|`, the one giving the same field count (more than one) on
 * every sampled record, the largest such count winning; `.tsv` files take tab whenever it is
 * consistent. When none is consistent, the one splitting the header into most fields is taken (so a
 * ragged row is then reported against it); when none splits the header, the file has one column.
 * @param sample - decoded text from the start of the file
 * @param ext - the file's lower-case extension (".tsv" prefers tab)
 * @param complete - the sample is the whole file (its last line counts without a line end)
 * @returns the delimiter
 */
export function sniffDelimiter(sample: string, ext: string, complete: boolean): string {
  const order = ext === '.tsv' ? ['\t', ',', ';', '|'] : [',', ';', '\t', '|'];
  let best = '';
  let bestCount = 1;
  let fallback = '';
  let fallbackCount = 1;
  for (const d of order) {
    const counts = fieldCounts(sample, d, complete);
    if (counts.length === 0) continue;
    const first = counts[0];
    if (first > 1 && counts.every((c) => c === first)) {
      if (ext === '.tsv' && d === '\t') return d;
      if (first > bestCount) {
        best = d;
        bestCount = first;
      }
    } else if (first > fallbackCount) {
      fallback = d;
      fallbackCount = first;
    }
  }
  return best || fallback || order[0];
}

/**
 * Validates a forced delimiter (`opts.delimiter`); accepts the words `tab`, `comma`, `semicolon`,
 * `pipe` and the escape `\t` too.
 * @param d - the delimiter as given
 * @param label - the input's label for messages
 * @returns the one-character delimiter
 * @throws ReidgateError('USAGE') when it is not one of `,` `;` tab `|`
 */
export function normalizeDelimiter(d: string, label: string): string {
  const words: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };
  const out = words[d.toLowerCase()] ?? d;
  if (!DELIMITERS.includes(out)) {
    throw new ReidgateError('USAGE', `${label}: delimiter ${q(d)} is not one of , ; tab |`);
  }
  return out;
}
