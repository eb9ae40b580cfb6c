/** @module pool/kernel-types — the kernel registry as the pool sees it. */
export { type KernelName, type KernelPayload, type KernelResult, runKernel } from '../../attacks/kernels.js';
