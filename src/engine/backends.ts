/**
 * Which backends can run here. LiteRT's backbones pick their accelerator per model (./litert);
 * the TF.js ones run on the active tfjs backend (./tfjs makes one active).
 */
import type { BackendName } from './protocol';

/** Why a backend cannot run in this browser, or undefined when it might. */
export async function unavailableReason(backend: BackendName): Promise<string | undefined> {
  if (backend === 'webgpu') {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    if (!gpu) return 'WebGPU is not offered by this browser';
    return (await gpu.requestAdapter()) ? undefined : 'no WebGPU adapter';
  }
  if (backend === 'webgl') {
    return new OffscreenCanvas(1, 1).getContext('webgl2') ? undefined : 'WebGL 2 is not available';
  }
  return undefined;
}
