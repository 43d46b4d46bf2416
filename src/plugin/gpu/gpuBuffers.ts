/**
 * The GPU buffers the WebGPU passes share: the packed contract as a uniform buffer, and NCHW float32 tensors as
 * storage buffers (what onnxruntime reads and writes on the zero-copy path). Whoever creates one disposes it.
 */
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import { StorageBuffer } from "@babylonjs/core/Buffers/storageBuffer.js";
import { UniformBuffer } from "@babylonjs/core/Materials/uniformBuffer.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import { ParamNames, type PackedParams } from "../contract/shaderParams.js";

/** A uniform buffer holding the five vec4 of {@link PackedParams}. */
export function createParamsBuffer(engine: WebGPUEngine, label: string): UniformBuffer {
    const ubo = new UniformBuffer(engine, undefined, false, label);
    for (const name of ParamNames) {
        ubo.addUniform(name, 4);
    }
    return ubo;
}

export function updateParamsBuffer(ubo: UniformBuffer, packed: PackedParams): void {
    ParamNames.forEach((name, i) => ubo.updateFloat4(name, packed[i][0], packed[i][1], packed[i][2], packed[i][3]));
    ubo.update();
}

/** A [1, 3, height, width] float32 tensor in a storage buffer that compute shaders and onnxruntime read and write. */
export function createTensorBuffer(engine: WebGPUEngine, width: number, height: number, label: string): StorageBuffer {
    return new StorageBuffer(engine, 3 * width * height * 4, Constants.BUFFER_CREATIONFLAG_READWRITE, label);
}

/** The GPUBuffer behind a Babylon storage buffer, as onnxruntime's `Tensor.fromGpuBuffer` takes it. */
export function gpuBufferOf(buffer: StorageBuffer): GPUBuffer {
    return buffer.getBuffer().underlyingResource as GPUBuffer;
}
