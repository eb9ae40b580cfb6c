/**
 * @module cli/verify — `reidgate verify OUT [--pubkey FILE]`: re-hash an evidence bundle against its manifest and
 * check its signature. Exit 0 when everything matches, 1 on any mismatch, 2 when the bundle or key is unreadable.
 */
import type { Command } from 'commander';
import { verifyBundle } from '../evidence/verify.js';

/** Adds the `verify` command. */
export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('Re-hash an output directory against its manifest.json and check manifest.sig.')
    .argument('<out>', 'the output directory (or its manifest.json)')
    .option('--pubkey <file>', "the signer's Ed25519 public key (PEM): the bundle must be signed by it")
    .option('-q, --quiet', 'print only the final line')
    .addHelpText(
      'after',
      '\nExit codes: 0 every hash (and the signature) matches · 1 a mismatch · 2 unreadable manifest, signature or key.',
    )
    .action(async (out: string, opts: { pubkey?: string; quiet?: boolean }) => {
      const v = await verifyBundle(out, opts.pubkey);
      if (!opts.quiet) {
        for (const p of v.problems) process.stdout.write(`MISMATCH ${p}\n`);
        for (const n of v.notes) process.stdout.write(`note: ${n}\n`);
      }
      process.stdout.write(
        v.problems.length === 0
          ? `OK: ${v.checked} file${v.checked === 1 ? '' : 's'} match the manifest${v.signedBy ? ', signature valid' : ''}\n`
          : `MISMATCH: ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'} (${v.checked} files matched)\n`,
      );
      process.exitCode = v.problems.length === 0 ? 0 : 1;
    });
}
