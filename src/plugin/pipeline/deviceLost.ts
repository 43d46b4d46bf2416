/** Whether an engine's device (WebGPU) or context (WebGL) is lost: a failure in flight may be its first sign. */
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import type { Engine } from "@babylonjs/core/Engines/engine.js";

/** WebGPU announces a loss asynchronously, so the answer waits briefly for the news. */
export async function isDeviceLost(engine: AbstractEngine): Promise<boolean> {
    if (engine.isWebGPU) {
        const lost = (engine as WebGPUEngine)._device.lost.then(() => true);
        return Promise.race([lost, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 100))]);
    }
    return (engine as Engine)._gl?.isContextLost() ?? false;
}
