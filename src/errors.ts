/**
 * @module errors — the one error class reidgate throws on purpose, with a closed set of codes.
 *
 * Library code throws `ReidgateError`; the CLI maps the code to an exit code in one place
 * (`exitCodeFor`). Messages are one line, name the input (file, column, flag) and echo the
 * offending value, e.g. "--qi: column `agee` not in release (columns: age, sex)".
 */

/** Closed set of error codes. */
export type ErrorCode =
  /** A flag or argument is wrong (unknown, missing, out of range). */
  | 'USAGE'
  /** An input file does not exist or cannot be read. */
  | 'INPUT_NOT_FOUND'
  /** An input file's format is unknown or its bytes are not what its name says. */
  | 'INPUT_FORMAT'
  /** An input file is malformed (ragged row, unclosed quote, bad encoding). */
  | 'INPUT_PARSE'
  /** An input has no records (empty file, header only). */
  | 'INPUT_EMPTY'
  /** A named column is absent, or columns are duplicated / inconsistent. */
  | 'COLUMN'
  /** The trial file is invalid. */
  | 'TRIAL'
  /** The policy file or preset is invalid. */
  | 'POLICY'
  /** An attack id is unknown. */
  | 'ATTACK_UNKNOWN'
  /** An attack failed while running (the verdict becomes "error"). */
  | 'ATTACK_FAILED'
  /** A counting engine (--engine duckdb) failed: out of memory, a lost connection (exit 3). */
  | 'ENGINE'
  /** A bug: an invariant did not hold. */
  | 'INTERNAL';

/** The error reidgate throws for every anticipated failure. */
export class ReidgateError extends Error {
  override readonly name = 'ReidgateError';
  /**
   * @param code - one of the closed set of codes
   * @param message - one line naming the input and echoing the value
   */
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** True when `e` is a ReidgateError (also across worker boundaries, where only the shape survives). */
export function isReidgateError(e: unknown): e is ReidgateError {
  return e instanceof ReidgateError || (e instanceof Error && e.name === 'ReidgateError' && 'code' in e);
}

/** Exit codes of the CLI contract: 0 pass, 1 fail, 2 usage or input error, 3 an attack failed. */
export const EXIT = { pass: 0, fail: 1, input: 2, error: 3 } as const;

/** Maps an error code to the CLI's exit code. */
export function exitCodeFor(code: ErrorCode): number {
  return code === 'ATTACK_FAILED' || code === 'INTERNAL' || code === 'ENGINE' ? EXIT.error : EXIT.input;
}

/** Quotes a user-supplied value for a message, trimmed so a message stays one line. */
export function q(value: unknown, max = 60): string {
  const s = String(value).replace(/[\r\n\t]+/g, ' ');
  return '`' + (s.length > max ? s.slice(0, max - 1) + '…' : s) + '`';
}

/** Lists names for a message ("age, sex, race, … (12 more)"). */
export function listNames(names: readonly string[], max = 12): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, … (${names.length - max} more)` : shown;
}
