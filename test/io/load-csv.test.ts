/**
 * @module test/io/load-csv — CSV/TSV loading: delimiters, encodings, quoting, missing tokens, columns.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Type } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnNames, loadTable } from '../../src/io/index.js';
import { tempDir, values } from './helpers.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

describe('loadTable: CSV delimiters', () => {
  it('reads a comma-separated file, with its hash and size', async () => {
    const text = 'age,sex\n34,F\n51,M\n';
    const p = await tmp.file('comma.csv', text);
    const t = await loadTable(p);
    expect(t.format).toBe('csv');
    expect(t.delimiter).toBe(',');
    expect(t.path).toBe(p);
    expect(columnNames(t)).toEqual(['age', 'sex']);
    expect(values(t, 'age')).toEqual(['34', '51']);
    expect(values(t, 'sex')).toEqual(['F', 'M']);
    expect(t.bytes).toBe(Buffer.byteLength(text));
    expect(t.sha256).toBe(
      createHash('sha256')
        .update(await readFile(p))
        .digest('hex'),
    );
    expect(t.warnings).toEqual([]);
  });

  it('sniffs a semicolon (decimal commas inside fields do not fool it)', async () => {
    const p = await tmp.file('semi.csv', 'weight;height\n61,5;1,70\n80,2;1,82\n');
    const t = await loadTable(p);
    expect(t.delimiter).toBe(';');
    expect(values(t, 'weight')).toEqual(['61,5', '80,2']);
  });

  it('sniffs a tab in a .tsv file', async () => {
    const p = await tmp.file('tab.tsv', 'zip\tcity\n100-0001\tChiyoda, Tokyo\n530-0001\tOsaka\n');
    const t = await loadTable(p);
    expect(t.delimiter).toBe('\t');
    expect(values(t, 'city')).toEqual(['Chiyoda, Tokyo', 'Osaka']);
  });

  it('prefers tab in a .tsv file when comma would split as consistently', async () => {
    const p = await tmp.file('both.tsv', 'a,b\tc\n1,2\t3\n');
    const t = await loadTable(p);
    expect(t.delimiter).toBe('\t');
    expect(columnNames(t)).toEqual(['a,b', 'c']);
  });

  it('sniffs a pipe', async () => {
    const p = await tmp.file('pipe.csv', 'a|b|c\n1|2|3\n4|5|6\n');
    const t = await loadTable(p);
    expect(t.delimiter).toBe('|');
    expect(columnNames(t)).toEqual(['a', 'b', 'c']);
    expect(values(t, 'c')).toEqual(['3', '6']);
  });

  it('reads a .txt file as delimited text', async () => {
    const p = await tmp.file('data.txt', 'a\tb\n1\t2\n');
    const t = await loadTable(p);
    expect(t.format).toBe('csv');
    expect(t.delimiter).toBe('\t');
  });

  it('ignores delimiters inside quotes when sniffing', async () => {
    const p = await tmp.file('quoted-sniff.csv', 'name;note\n"Smith, J";"a, b, c"\n"Doe, K";x\n');
    const t = await loadTable(p);
    expect(t.delimiter).toBe(';');
    expect(values(t, 'name')).toEqual(['Smith, J', 'Doe, K']);
  });

  it('uses a forced delimiter instead of sniffing', async () => {
    const p = await tmp.file('forced.csv', 'a,b;c\n1,2;3\n');
    const t = await loadTable(p, { delimiter: ';' });
    expect(t.delimiter).toBe(';');
    expect(columnNames(t)).toEqual(['a,b', 'c']);
    expect(values(t, 'a,b')).toEqual(['1,2']);
  });

  it('reads a one-column file', async () => {
    const p = await tmp.file('one.csv', 'zip\n100\n200\n');
    const t = await loadTable(p);
    expect(columnNames(t)).toEqual(['zip']);
    expect(values(t, 'zip')).toEqual(['100', '200']);
  });
});

describe('loadTable: CSV encodings and line ends', () => {
  it('drops a UTF-8 byte-order mark', async () => {
    const p = await tmp.file('bom.csv', '\uFEFFid,x\n1,2\n');
    const t = await loadTable(p);
    expect(columnNames(t)).toEqual(['id', 'x']);
  });

  it('reads Japanese text in names and values', async () => {
    const p = await tmp.file('ja.csv', '都道府県,市区町村\n東京都,千代田区\n大阪府,大阪市\n');
    const t = await loadTable(p);
    expect(columnNames(t)).toEqual(['都道府県', '市区町村']);
    expect(values(t, '都道府県')).toEqual(['東京都', '大阪府']);
    expect(values(t, '市区町村')).toEqual(['千代田区', '大阪市']);
  });

  it('reads CRLF line ends', async () => {
    const p = await tmp.file('crlf.csv', 'a,b\r\n1,2\r\n3,4\r\n');
    const t = await loadTable(p);
    expect(values(t, 'b')).toEqual(['2', '4']);
  });

  it('reads a last line without a line end', async () => {
    const p = await tmp.file('no-eol.csv', 'a,b\n1,2\n3,4');
    const t = await loadTable(p);
    expect(values(t, 'a')).toEqual(['1', '3']);
  });

  it('tolerates one trailing empty line', async () => {
    const p = await tmp.file('trailing-blank.csv', 'a,b\n1,2\n\n');
    const t = await loadTable(p);
    expect(t.table.numRows).toBe(1);
  });

  it('tolerates one trailing empty line in a one-column file, where inner empty lines are nulls', async () => {
    const p = await tmp.file('one-col-blank.csv', 'zip\n100\n\n200\n\n');
    const t = await loadTable(p);
    expect(values(t, 'zip')).toEqual(['100', null, '200']);
  });

  it('skips empty lines before the header', async () => {
    const p = await tmp.file('leading-blank.csv', '\n\na,b\n1,2\n');
    const t = await loadTable(p);
    expect(columnNames(t)).toEqual(['a', 'b']);
    expect(values(t, 'a')).toEqual(['1']);
  });
});

describe('loadTable: CSV quoting and values', () => {
  it('reads embedded newlines, delimiters and doubled quotes inside quoted fields', async () => {
    const p = await tmp.file(
      'quotes.csv',
      'id,note\n1,"line one\nline two"\n2,"say ""hi"", then go"\n3,""\n',
    );
    const t = await loadTable(p, { missing: [] });
    expect(values(t, 'note')).toEqual(['line one\nline two', 'say "hi", then go', '']);
    expect(values(t, 'id')).toEqual(['1', '2', '3']);
  });

  it('keeps values raw (no trimming) but trims header names', async () => {
    const p = await tmp.file('spaces.csv', ' a , b\n x ,y \n');
    const t = await loadTable(p);
    expect(columnNames(t)).toEqual(['a', 'b']);
    expect(values(t, 'a')).toEqual([' x ']);
    expect(values(t, 'b')).toEqual(['y ']);
  });

  it('reads the default missing tokens as null and nothing else', async () => {
    const p = await tmp.file('missing.csv', 'a,b\n,NA\n?,null\nN/A,na\n');
    const t = await loadTable(p);
    expect(values(t, 'a')).toEqual([null, null, 'N/A']);
    expect(values(t, 'b')).toEqual([null, null, 'na']);
    expect(t.table.getChild('a')?.nullCount).toBe(2);
  });

  it('uses a custom missing list instead of the default', async () => {
    const p = await tmp.file('custom-missing.csv', 'a,b\n-,NA\n,x\n');
    const t = await loadTable(p, { missing: ['-'] });
    expect(values(t, 'a')).toEqual([null, '']);
    expect(values(t, 'b')).toEqual(['NA', 'x']);
  });

  it('names a column with an empty header column_<n> and warns', async () => {
    const p = await tmp.file('pandas-index.csv', ',age\n0,34\n1,51\n');
    const t = await loadTable(p);
    expect(columnNames(t)).toEqual(['column_1', 'age']);
    expect(values(t, 'column_1')).toEqual(['0', '1']);
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toContain('column_1');
    expect(t.warnings[0]).toContain(p);
  });

  it('makes every column Dictionary<Utf8, Int32> with a null bitmap', async () => {
    const p = await tmp.file('types.csv', 'a,b\n1,x\n,y\n1,x\n');
    const t = await loadTable(p);
    for (const f of t.table.schema.fields) {
      expect(f.type.typeId).toBe(Type.Dictionary);
      expect(String(f.type)).toBe('Dictionary<Int32, Utf8>');
    }
    const a = t.table.getChild('a');
    expect(a?.data[0].nullBitmap).toBeInstanceOf(Uint8Array);
    expect(a?.data[0].dictionary?.toArray()).toEqual(['1']);
    expect(values(t, 'a')).toEqual(['1', null, '1']);
    expect(t.table.getChild('b')?.data[0].dictionary?.length).toBe(2);
  });
});

describe('loadTable: CSV chunk boundaries', () => {
  // Quoted field with an embedded newline and "" pair, a multi-byte character, CRLF and a BOM:
  // every one of them lands across a chunk boundary for some chunk size below.
  const text =
    '\uFEFFid,note,city\r\n' +
    '1,"first ""quoted"" value\r\nspanning, lines",東京都\r\n' +
    '2,plain,大阪府\r\n' +
    '3,"",NA\r\n' +
    `4,"${'x'.repeat(40)}",京都府\r\n`;
  const expected = {
    id: ['1', '2', '3', '4'],
    note: ['first "quoted" value\r\nspanning, lines', 'plain', null, 'x'.repeat(40)],
    city: ['東京都', '大阪府', null, '京都府'],
  };

  it('parses the same for every read-chunk size', async () => {
    const p = await tmp.file('chunks.csv', text);
    for (const highWaterMark of [1, 2, 3, 4, 5, 7, 11, 16, 64, 1 << 20]) {
      const t = await loadTable(p, { highWaterMark });
      expect(columnNames(t), `highWaterMark ${highWaterMark}`).toEqual(['id', 'note', 'city']);
      for (const [name, want] of Object.entries(expected)) {
        expect(values(t, name), `${name} at highWaterMark ${highWaterMark}`).toEqual(want);
      }
    }
  });

  it('reads a quoted field much longer than a chunk', async () => {
    const long = 'a,b\n'.repeat(5000);
    const p = await tmp.file('long-field.csv', `k,v\n1,"${long}"\n2,z\n`);
    const t = await loadTable(p, { highWaterMark: 4096 });
    expect(values(t, 'v')).toEqual([long, 'z']);
  });

  it('keeps one dictionary entry per distinct value in a high-cardinality column', async () => {
    // 50,000 rows, each of 25,000 values twice: every growth step of the dictionary is crossed.
    const ids = Array.from({ length: 50_000 }, (_, i) => `v${i % 25_000}`);
    const p = await tmp.file('distinct.csv', `id\n${ids.join('\n')}\n`);
    const t = await loadTable(p);
    const data = t.table.getChild('id')?.data[0];
    expect(data?.dictionary?.length).toBe(25_000);
    expect(new Set(data?.dictionary?.toArray()).size).toBe(25_000);
    const codes = data?.values as Int32Array;
    for (let i = 0; i < 25_000; i++) expect(codes[i + 25_000]).toBe(codes[i]);
    expect(values(t, 'id')).toEqual(ids);
  });

  it('reads many rows across many chunks', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i},${i % 7},"c${i % 3}"`);
    const p = await tmp.file('many.csv', `id,g,c\n${rows.join('\n')}\n`);
    const t = await loadTable(p, { highWaterMark: 1000 });
    expect(t.table.numRows).toBe(20_000);
    expect(values(t, 'id')[19_999]).toBe('19999');
    expect(values(t, 'c')[4]).toBe('c1');
    expect(t.table.getChild('g')?.data[0].dictionary?.length).toBe(7);
  });
});
