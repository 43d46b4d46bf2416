/**
 * Postprocess: the network's output tensor becomes the image the composite samples. Two implementations: on the CPU
 * with an upload (readback paths, both engines) and a compute pass on the GPU (zero-copy path).
 */
import type { BaseTexture } from "@babylonjs/core/Materials/Textures/baseTexture.js";

export interface FramePresenter {
    /** The last presented image, row 0 at the top; kept until the next result so no black frame shows. */
    readonly texture: BaseTexture | undefined;
    /** Hands the latest result to {@link texture} (upload or compute dispatch); false when it could not yet. */
    present(): boolean;
    dispose(): void;
}
