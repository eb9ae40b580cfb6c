/**
 * @module test/io/helpers — temp files and assertions shared by the loader tests.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type ErrorCode, isReidgateError } from '../../src/errors.js';
import type { LoadedTable } from '../../src/io/index.js';

/** A temp directory for one test file; `file` writes into it, `cleanup` removes it. */
export async function tempDir(): Promise<{
  dir: string;
  file: (name: string, content: string | Uint8Array) => Promise<string>;
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'reidgate-io-'));
  return {
    dir,
    file: async (name, content) => {
      const p = join(dir, name);
      await mkdir(join(p, '..'), { recursive: true });
      await writeFile(p, content);
      return p;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Asserts that `p` rejects with a ReidgateError of `code` whose one-line message names `file`. */
export async function expectError(p: Promise<unknown>, code: ErrorCode, file: string, ...parts: string[]) {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a rejection').toBeDefined();
  expect(isReidgateError(caught), `not a ReidgateError: ${String(caught)}`).toBe(true);
  const err = caught as Error & { code: string };
  expect(err.code).toBe(code);
  expect(err.message).toContain(file);
  expect(err.message).not.toMatch(/[\r\n]/);
  for (const part of parts) expect(err.message).toContain(part);
  return err;
}

/** A column's values as plain JS (strings, numbers, null). */
export function values(t: LoadedTable, name: string): unknown[] {
  const v = t.table.getChild(name);
  if (!v) throw new Error(`no column ${name}`);
  return [...v];
}
