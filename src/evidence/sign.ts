/**
 * @module evidence/sign — Ed25519 signatures over `OUT/manifest.json` (node:crypto, keys in PEM).
 *
 * `OUT/manifest.sig` is a small JSON document: the algorithm, the SHA-256 of the exact manifest bytes signed,
 * the signer's public key (SPKI PEM) and its id (SHA-256 of the DER-encoded public key), and the signature
 * (base64). The embedded key only says which key signed; whether that key is the tester's is for the reader to
 * check (`reidgate verify OUT --pubkey tester.pub.pem`).
 *
 * Keys: `reidgate keygen key.pem` writes an Ed25519 private key (PKCS#8 PEM, mode 600) and `key.pub.pem`; the
 * same with OpenSSL: `openssl genpkey -algorithm ed25519 -out key.pem && openssl pkey -in key.pem -pubout -out key.pub.pem`.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { outputError, writeAtomic } from '../../reports/atomic.js';
import { q, ReidgateError } from '../errors.js';
import { MANIFEST_FILE, SIGNATURE_FILE } from './manifest.js';

/** The contents of manifest.sig. */
export const Signature = z
  .object({
    algorithm: z.literal('Ed25519'),
    file: z.literal(MANIFEST_FILE),
    manifestSha256: z.string().regex(/^[0-9a-f]{64}$/),
    keyId: z.string().regex(/^[0-9a-f]{64}$/),
    publicKey: z.string(),
    signature: z.string(),
  })
  .strict();
export type Signature = z.infer<typeof Signature>;

function readPem(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new ReidgateError('INPUT_NOT_FOUND', `${flag} ${q(path, 200)}: cannot read the key file`);
  }
}

/**
 * Reads an Ed25519 private key (PEM).
 * @param path - the key file
 * @returns the key
 * @throws ReidgateError('INPUT_NOT_FOUND') when unreadable, ('USAGE') when not an Ed25519 private key
 */
export function loadPrivateKey(path: string): KeyObject {
  const pem = readPem(path, '--sign');
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new ReidgateError(
      'USAGE',
      `--sign ${q(path, 200)}: not a private key in PEM (create one with reidgate keygen)`,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new ReidgateError(
      'USAGE',
      `--sign ${q(path, 200)}: an ${key.asymmetricKeyType} key; reidgate signs with Ed25519`,
    );
  return key;
}

/**
 * Reads an Ed25519 public key (PEM; a private key file is accepted and its public half used).
 * @param path - the key file
 * @returns the public key
 * @throws ReidgateError('INPUT_NOT_FOUND') when unreadable, ('USAGE') when not an Ed25519 key
 */
export function loadPublicKey(path: string): KeyObject {
  const pem = readPem(path, '--pubkey');
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new ReidgateError('USAGE', `--pubkey ${q(path, 200)}: not a public key in PEM`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new ReidgateError(
      'USAGE',
      `--pubkey ${q(path, 200)}: an ${key.asymmetricKeyType} key, not Ed25519`,
    );
  return key;
}

/** The id of a public key: SHA-256 of its DER (SPKI) encoding, hex. */
export function keyId(pub: KeyObject): string {
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/**
 * Signs the manifest bytes and writes `OUT/manifest.sig`.
 * @param out - the output directory (holding manifest.json)
 * @param key - an Ed25519 private key
 * @returns the path written
 */
export async function signManifest(out: string, key: KeyObject): Promise<string> {
  const bytes = readFileSync(join(out, MANIFEST_FILE));
  const pub = createPublicKey(key);
  const sig: Signature = {
    algorithm: 'Ed25519',
    file: MANIFEST_FILE,
    manifestSha256: createHash('sha256').update(bytes).digest('hex'),
    keyId: keyId(pub),
    publicKey: pub.export({ type: 'spki', format: 'pem' }).toString(),
    signature: sign(null, bytes, key).toString('base64'),
  };
  const path = join(out, SIGNATURE_FILE);
  try {
    await writeAtomic(path, `${JSON.stringify(sig, null, 2)}\n`);
  } catch (e) {
    throw outputError(path, e);
  }
  return path;
}

/**
 * Checks a signature over manifest bytes.
 * @param bytes - the exact manifest bytes
 * @param sig - the parsed manifest.sig
 * @param expected - the public key the signer must hold, when the reader has one
 * @returns problems found (empty when the signature holds), and the signing key's id
 */
export function checkSignature(
  bytes: Buffer,
  sig: Signature,
  expected?: KeyObject,
): { problems: string[]; keyId: string } {
  const problems: string[] = [];
  let embedded: KeyObject;
  try {
    embedded = createPublicKey(sig.publicKey);
  } catch {
    return { problems: ['manifest.sig: its public key is not a valid PEM key'], keyId: sig.keyId };
  }
  const id = keyId(embedded);
  if (id !== sig.keyId) problems.push('manifest.sig: keyId does not match its public key');
  if (createHash('sha256').update(bytes).digest('hex') !== sig.manifestSha256)
    problems.push(
      'manifest.json: its SHA-256 differs from the one signed (the manifest was changed after signing)',
    );
  const key = expected ?? embedded;
  if (expected && keyId(expected) !== id)
    problems.push(
      `manifest.sig: signed by key ${id.slice(0, 16)}…, not by the given --pubkey (${keyId(expected).slice(0, 16)}…)`,
    );
  let ok = false;
  try {
    ok = verify(null, bytes, key, Buffer.from(sig.signature, 'base64'));
  } catch {
    ok = false;
  }
  if (!ok)
    problems.push(
      `manifest.sig: the Ed25519 signature does not verify${expected ? ' with the given --pubkey' : ''}`,
    );
  return { problems, keyId: id };
}

/**
 * Creates an Ed25519 key pair in PEM files (the private key with mode 600). Refuses to overwrite.
 * @param privatePath - where the private key goes (PKCS#8 PEM)
 * @param publicPath - where the public key goes (SPKI PEM)
 * @returns the key id
 * @throws ReidgateError('USAGE') when a file exists or cannot be written
 */
export function generateKeyFiles(privatePath: string, publicPath: string): string {
  for (const p of [privatePath, publicPath]) {
    if (existsSync(p)) throw new ReidgateError('USAGE', `keygen: ${q(p, 200)} exists; not overwriting a key`);
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  try {
    writeFileSync(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
      flag: 'wx',
    });
    writeFileSync(publicPath, publicKey.export({ type: 'spki', format: 'pem' }), { flag: 'wx' });
  } catch (e) {
    throw new ReidgateError('USAGE', `keygen: cannot write the key files (${(e as Error).message})`);
  }
  return keyId(publicKey);
}
