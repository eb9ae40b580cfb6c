/**
 * @module cli/keygen — `reidgate keygen KEY.pem [--pub FILE]`: create an Ed25519 key pair for `run --sign`.
 */
import type { Command } from 'commander';
import { generateKeyFiles } from '../evidence/sign.js';

/** Adds the `keygen` command. */
export function registerKeygen(program: Command): void {
  program
    .command('keygen')
    .description(
      'Create an Ed25519 key pair (PEM) for signing manifests: the private key (mode 600) and its public key.',
    )
    .argument('<key>', 'where the private key goes, e.g. reidgate-key.pem')
    .option('--pub <file>', 'where the public key goes (default: KEY with .pub.pem)')
    .addHelpText(
      'after',
      '\nThe same with OpenSSL:\n' +
        '  openssl genpkey -algorithm ed25519 -out key.pem\n' +
        '  openssl pkey -in key.pem -pubout -out key.pub.pem',
    )
    .action((key: string, opts: { pub?: string }) => {
      const pub = opts.pub ?? `${key.replace(/\.pem$/, '')}.pub.pem`;
      const id = generateKeyFiles(key, pub);
      process.stdout.write(`wrote ${key} (private, keep it secret) and ${pub} (public) · key id ${id}\n`);
    });
}
