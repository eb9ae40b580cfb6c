/**
 * @module evidence/verify — `reidgate verify OUT [--pubkey FILE]`: re-hash an evidence bundle and check its
 * signature.
 *
 * Every output the manifest lists must be present in OUT with the same SHA-256. Every input is re-hashed when it
 * is still present (at its recorded path, or at its recorded path relative to OUT); an absent input is noted,
 * not failed (data holders often keep inputs apart from reports). When `manifest.sig` is present its Ed25519
 * signature must hold; with `--pubkey` it must be that key's, and a bundle without a signature fails.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { q, ReidgateError } from '../errors.js';
import {
  type HashedFile,
  hashFile,
  MANIFEST_FILE,
  type Manifest,
  readManifest,
  SIGNATURE_FILE,
} from './manifest.js';
import { checkSignature, loadPublicKey, Signature } from './sign.js';

/** What verify found. */
export interface Verification {
  manifest: Manifest;
  /** Mismatches: any one makes verify exit 1. */
  problems: string[];
  /** Facts for the reader (inputs not present, the signer's key id, files not in the manifest). */
  notes: string[];
  /** Files whose hash matched. */
  checked: number;
  /** The signer's key id, when signed. */
  signedBy?: string;
}

/**
 * Where an input recorded in a manifest is now: its path, or its path relative to the bundle.
 * @param input - the manifest's entry
 * @param outDir - the bundle's directory
 * @returns an existing path, or undefined
 */
export function locateInput(input: HashedFile, outDir: string): string | undefined {
  if (existsSync(input.path)) return input.path;
  if (input.relative !== undefined) {
    const p = resolve(outDir, input.relative);
    if (existsSync(p)) return p;
  }
  return undefined;
}

async function matches(path: string, f: HashedFile): Promise<string | null> {
  try {
    const h = await hashFile(path);
    if (h.sha256 !== f.sha256)
      return `SHA-256 ${h.sha256.slice(0, 12)}…, manifest says ${f.sha256.slice(0, 12)}…`;
    return null;
  } catch (e) {
    return `cannot read it (${(e as Error).message})`;
  }
}

/**
 * Verifies an evidence bundle.
 * @param target - the output directory, or its manifest.json
 * @param pubkeyPath - the public key the signer must hold (optional)
 * @returns problems (mismatches) and notes
 * @throws ReidgateError (exit 2) when the manifest, the signature file or the key cannot be read or parsed
 */
export async function verifyBundle(target: string, pubkeyPath?: string): Promise<Verification> {
  const expected = pubkeyPath ? loadPublicKey(pubkeyPath) : undefined;
  const { manifest, bytes, path } = await readManifest(target);
  const out = dirname(path);
  const problems: string[] = [];
  const notes: string[] = [];
  let checked = 0;
  for (const f of manifest.outputs) {
    const p = join(out, f.path);
    if (!existsSync(p)) {
      problems.push(`output ${f.path}: missing`);
      continue;
    }
    const m = await matches(p, f);
    if (m) problems.push(`output ${f.path}: ${m}`);
    else checked++;
  }
  for (const f of manifest.inputs) {
    const p = locateInput(f, out);
    if (!p) {
      notes.push(`input ${f.role} ${f.path}: not present here, not re-hashed`);
      continue;
    }
    const m = await matches(p, f);
    if (m) problems.push(`input ${f.role} ${p}: ${m}`);
    else checked++;
  }
  const listed = new Set([MANIFEST_FILE, SIGNATURE_FILE, ...manifest.outputs.map((f) => f.path)]);
  const extra = readdirSync(out).filter((f) => !listed.has(f));
  if (extra.length > 0) notes.push(`not in the manifest (not checked): ${extra.join(', ')}`);

  let signedBy: string | undefined;
  const sigPath = join(out, SIGNATURE_FILE);
  if (existsSync(sigPath)) {
    let sig: Signature;
    try {
      sig = Signature.parse(JSON.parse(readFileSync(sigPath, 'utf8')));
    } catch {
      throw new ReidgateError('INPUT_PARSE', `signature ${q(sigPath, 200)}: not a reidgate manifest.sig`);
    }
    const s = checkSignature(bytes, sig, expected);
    problems.push(...s.problems);
    signedBy = s.keyId;
    if (s.problems.length === 0) {
      notes.push(
        expected
          ? `signature: Ed25519, valid, by the given key ${s.keyId.slice(0, 16)}…`
          : `signature: Ed25519, valid for the key embedded in manifest.sig (${s.keyId.slice(0, 16)}…); pass --pubkey to check it is the tester's`,
      );
    }
  } else if (expected)
    problems.push('manifest.sig: missing, so the bundle cannot be shown to come from the --pubkey holder');
  else notes.push('signature: none (unsigned bundle)');
  return { manifest, problems, notes, checked, signedBy };
}
