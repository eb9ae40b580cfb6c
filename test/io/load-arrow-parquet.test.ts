/**
 * @module test/io/load-arrow-parquet — Arrow IPC (file and stream) and Parquet round trips and errors.
 */
import { createHash } from 'node:crypto';
import {
  Field,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Type,
  tableFromArrays,
  tableToIPC,
} from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTable } from '../../src/io/check-table.js';
import { columnNames, loadTable } from '../../src/io/index.js';
import { expectError, tempDir, values } from './helpers.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

/** A small table with an integer, a float with a null, and a string column. */
function sample(): Table {
  return tableFromArrays({
    age: Int32Array.from([34, 51, 29]),
    bmi: Float64Array.from([22.5, Number.NaN, 31]),
    city: ['東京都', 'Osaka', 'Kyoto'],
  });
}

/** Writes an Arrow table as Parquet bytes through parquet-wasm. */
function toParquet(t: Table): Uint8Array {
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(t, 'stream')));
}

/** A two-column table whose columns share the name `a` (tableFromArrays cannot make one). */
function duplicateNames(): Table {
  const fields = [new Field('a', new Int32()), new Field('a', new Int32())];
  const children = [
    makeData({ type: new Int32(), length: 2, nullCount: 0, data: Int32Array.from([1, 2]) }),
    makeData({ type: new Int32(), length: 2, nullCount: 0, data: Int32Array.from([3, 4]) }),
  ];
  const schema = new Schema(fields);
  return new Table(new RecordBatch(schema, makeData({ type: new Struct(fields), length: 2, children })));
}

describe('loadTable: Arrow IPC', () => {
  it('round-trips an IPC file (.arrow), keeping column types', async () => {
    const bytes = tableToIPC(sample(), 'file');
    const p = await tmp.file('sample.arrow', bytes);
    const t = await loadTable(p);
    expect(t.format).toBe('arrow');
    expect(columnNames(t)).toEqual(['age', 'bmi', 'city']);
    expect(values(t, 'age')).toEqual([34, 51, 29]);
    expect(values(t, 'city')).toEqual(['東京都', 'Osaka', 'Kyoto']);
    expect(t.table.getChild('age')?.type.typeId).toBe(Type.Int);
    expect(t.bytes).toBe(bytes.length);
    expect(t.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(t.delimiter).toBeUndefined();
  });

  it('round-trips an IPC stream (.ipc and .feather)', async () => {
    for (const name of ['sample.ipc', 'sample.feather']) {
      const p = await tmp.file(name, tableToIPC(sample(), 'stream'));
      const t = await loadTable(p);
      expect(t.format).toBe('arrow');
      expect(t.table.numRows).toBe(3);
      expect(values(t, 'bmi')[0]).toBe(22.5);
    }
  });

  it('INPUT_FORMAT for garbage bytes named .arrow', async () => {
    const p = await tmp.file('garbage.arrow', 'this is not arrow at all\n');
    await expectError(loadTable(p), 'INPUT_FORMAT', p, 'is not a valid Arrow IPC file');
  });

  it('INPUT_FORMAT for a truncated IPC file', async () => {
    const bytes = tableToIPC(sample(), 'file');
    const p = await tmp.file('truncated.arrow', bytes.subarray(0, bytes.length - 40));
    await expectError(loadTable(p), 'INPUT_FORMAT', p, 'is not a valid Arrow IPC file');
  });

  it('INPUT_FORMAT for a Parquet file named .arrow', async () => {
    const p = await tmp.file('really-parquet.arrow', toParquet(sample()));
    await expectError(loadTable(p), 'INPUT_FORMAT', p, 'Parquet');
  });

  it('INPUT_EMPTY for zero rows', async () => {
    const p = await tmp.file('zero.arrow', tableToIPC(tableFromArrays({ a: Int32Array.from([]) }), 'file'));
    await expectError(loadTable(p), 'INPUT_EMPTY', p, 'no records');
  });

  it('COLUMN for duplicate field names', async () => {
    const p = await tmp.file('dup.arrow', tableToIPC(duplicateNames(), 'file'));
    await expectError(loadTable(p), 'COLUMN', p, '`a`');
  });
});

describe('checkTable', () => {
  // apache-arrow's IPC writer drops an empty field name (it reads back as "null"), so the renaming
  // of unnamed Arrow/Parquet columns is checked on an in-memory table.
  it('names an unnamed field column_<n> and warns', () => {
    const { table, warnings } = checkTable(
      tableFromArrays({ '': ['x', 'y'], b: [1, 2] }),
      'r.arrow',
      'Arrow IPC',
    );
    expect(table.schema.fields.map((f) => f.name)).toEqual(['column_1', 'b']);
    expect([...(table.getChild('column_1') ?? [])]).toEqual(['x', 'y']);
    expect(warnings).toEqual(['r.arrow: column 1 has an empty name; named it column_1']);
  });
});

describe('loadTable: Parquet', () => {
  it('round-trips a Parquet file written by parquet-wasm', async () => {
    const bytes = toParquet(sample());
    const p = await tmp.file('sample.parquet', bytes);
    const t = await loadTable(p);
    expect(t.format).toBe('parquet');
    expect(columnNames(t)).toEqual(['age', 'bmi', 'city']);
    expect(values(t, 'age')).toEqual([34, 51, 29]);
    expect(values(t, 'city')).toEqual(['東京都', 'Osaka', 'Kyoto']);
    expect(t.bytes).toBe(bytes.length);
    expect(t.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('INPUT_FORMAT for garbage bytes named .parquet', async () => {
    const p = await tmp.file('garbage.parquet', 'a,b\n1,2\n');
    await expectError(loadTable(p), 'INPUT_FORMAT', p, 'is not a valid Parquet file');
  });

  it('INPUT_FORMAT for PAR1 magic around a corrupt body', async () => {
    const p = await tmp.file('corrupt.parquet', 'PAR1 definitely not thrift metadata PAR1');
    await expectError(loadTable(p), 'INPUT_FORMAT', p, 'is not a valid Parquet file');
  });

  it('INPUT_FORMAT for a truncated Parquet file', async () => {
    const bytes = toParquet(sample());
    const p = await tmp.file('truncated.parquet', bytes.subarray(0, bytes.length - 10));
    await expectError(loadTable(p), 'INPUT_FORMAT', p, 'is not a valid Parquet file');
  });

  it('INPUT_EMPTY for zero rows', async () => {
    const p = await tmp.file('zero.parquet', toParquet(tableFromArrays({ a: Int32Array.from([]) })));
    await expectError(loadTable(p), 'INPUT_EMPTY', p, 'no records');
  });
});
