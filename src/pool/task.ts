/**
 * @module pool/task — the one Piscina task module: look up a kernel, call it.
 */
import { runKernel } from './kernel-types.js';

/** Piscina entry point. */
export default function task(msg: { name: string; payload: unknown }): unknown {
  return runKernel(msg.name, msg.payload);
}
