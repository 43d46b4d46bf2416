import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import type { Engine } from "@babylonjs/core/Engines/engine.js";
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import type { FrameCapture } from "./frameCapture.js";
import { WebGlFrameCapture } from "./webglCapture.js";
import { WebGpuFrameCapture } from "./webgpuCapture.js";

/** The capture of the engine's kind. */
export function createFrameCapture(engine: AbstractEngine): FrameCapture {
    return engine.isWebGPU ? new WebGpuFrameCapture(engine as WebGPUEngine) : new WebGlFrameCapture(engine as Engine);
}
