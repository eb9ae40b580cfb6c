/**
 * The ClickHouse engine's pure parts (no server needed): error messages cut to one line with values
 * blanked, TabSeparated escaping, identifier and literal quoting, key encoding, memory-limit bytes.
 */
import { describe, expect, it } from 'vitest';
import { clickhouseMessage, escapeTsv, unescapeTsv } from '../../src/engine/clickhouse-http.js';
import { memoryBytes } from '../../src/engine/clickhouse-open.js';
import { chIdent, chLit, keyExprOf, wildcardKeySql } from '../../src/engine/clickhouse-sql.js';
import { CLICKHOUSE_URI, inputFile, isClickHouseUri } from '../../src/engine/paths.js';

describe('clickhouse helpers', () => {
  it('exception text: code and first sentence, quoted values and parse context blanked', () => {
    expect(
      clickhouseMessage(
        "Code: 60, e.displayText() = DB::Exception: Table default.nope doesn't exist., e.what() = DB::Exception",
      ),
    ).toEqual({ code: 60, text: "Table default.nope doesn't exist." });
    const m = clickhouseMessage(
      'Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected \\t before: SECRET-VALUE\n, e.what() = DB::Exception',
    );
    expect(m.code).toBe(27);
    expect(m.text).not.toMatch(/SECRET/);
    expect(
      clickhouseMessage(
        "Code: 1, e.displayText() = DB::Exception: bad value 'SECRET', e.what() = DB::Exception",
      ).text,
    ).toBe("bad value '…'");
  });

  it('TabSeparated escaping round-trips tabs, newlines, CR, backslashes and NUL', () => {
    for (const s of ['plain', 'a\tb', 'l1\nl2', 'x\r\ny', 'back\\slash', '\\N', 'nul\0']) {
      const e = escapeTsv(s);
      expect(e).not.toMatch(/[\t\n\r\0]/);
      expect(unescapeTsv(e)).toBe(s);
    }
  });

  it('quoting and key encoding', () => {
    expect(chIdent('we`ird\\')).toBe('`we\\`ird\\\\`');
    expect(chLit("it's")).toBe("'it\\'s'");
    expect(keyExprOf('a', 'String')).toBe("concat('+', `a`)");
    expect(keyExprOf('a', 'Nullable(String)')).toBe("if(isNull(`a`), '', concat('+', assumeNotNull(`a`)))");
    expect(keyExprOf('n', 'Nullable(Int32)')).toBe(
      "if(isNull(`n`), '', concat('+', toString(assumeNotNull(`n`))))",
    );
    expect(keyExprOf('n', 'UInt8')).toBe("concat('+', toString(`n`))");
    expect(wildcardKeySql('c0', ['*', "'"])).toBe("if(c0 IN ('+*', '+\\''), '*', c0)");
  });

  it('memory limits as DuckDB reads them; clickhouse:// addresses', () => {
    expect(memoryBytes('2GB')).toBe(2e9);
    expect(memoryBytes('2GiB')).toBe(2 * 2 ** 30);
    expect(memoryBytes('512 MiB')).toBe(512 * 2 ** 20);
    expect(CLICKHOUSE_URI.exec('clickhouse://h:8123/db.t')?.slice(1)).toEqual(['h:8123', 'db', 't']);
    expect(CLICKHOUSE_URI.test('clickhouse://h:8123/t')).toBe(false);
    expect(isClickHouseUri('clickhouse://h/db.t')).toBe(true);
    expect(inputFile('clickhouse://h/db.t')).toBe('clickhouse://h/db.t');
  });
});
