/**
 * @module test/cli/helpers — run the built CLI as a user's pipeline does (a child process).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'dist/src/cli/main.js');

/** Runs `reidgate …args` and returns exit code and output. */
export function cli(args: string[], cwd = ROOT): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temporary directory. */
export function tmp(prefix = 'reidgate-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
