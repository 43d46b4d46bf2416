/**
 * Capture: the scene's rendered frame becomes the network's input tensor. One implementation per engine; each owns its
 * preprocess pass and the way the tensor leaves it (kept on the GPU for zero-copy, or read back for a CPU provider).
 */
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { PackedParams } from "../contract/shaderParams.js";

/** The maps a model's guides are captured from (see contract/guides.ts): the camera's view depth and view normals. */
export interface GuideMaps {
    depth?: InternalTexture;
    normal?: InternalTexture;
}

export interface FrameCapture {
    /**
     * Sets the tensor size, its channels (3 plus the guides': up to 7) and the packed contract for the next captures
     * (re-allocating only on a size change).
     */
    configure(width: number, height: number, packed: PackedParams, channels: number): void;
    /**
     * Records the preprocess pass over `frame` (and the maps the tensor's guides come from, when it has guides) into
     * the engine's frame; false while its shader is still compiling.
     */
    dispatch(frame: InternalTexture, guides?: GuideMaps): boolean;
    /**
     * Reads the last dispatched tensor (NCHW) back into `out`; resolves null when the context was lost meanwhile.
     * Up to {@link slots} reads may be in flight at once; a read takes its copy when called.
     */
    read(out: Float32Array): Promise<Float32Array | null>;
    /** How many reads may be in flight at once. */
    readonly slots: number;
    /** The GPU buffer holding the tensor, for zero-copy sessions; undefined on WebGL2 or before {@link configure}. */
    readonly gpuTensor: GPUBuffer | undefined;
    dispose(): void;
}
