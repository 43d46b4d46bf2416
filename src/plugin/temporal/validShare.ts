/**
 * How much of the frame the temporal pass could carry over: the mean of its output's alpha (1 where the stylized
 * result, warped to the current camera, is valid; 0 where the frame falls back to the original: disoccluded or
 * off-screen when the result was captured). It is also the share of the history the stabilizer can use next frame.
 * Read back without stalling (a pixel-pack buffer and a fence on WebGL2, a mapped copy on WebGPU); for the inspector,
 * never part of a frame.
 */
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import type { Engine } from "@babylonjs/core/Engines/engine.js";
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import type { RenderTargetWrapper } from "@babylonjs/core/Engines/renderTargetWrapper.js";
import type { WebGLRenderTargetWrapper } from "@babylonjs/core/Engines/WebGL/webGLRenderTargetWrapper.js";
import { RegisterEnginesWebGPUExtensionsEngineReadTexture } from "@babylonjs/core/Engines/WebGPU/Extensions/engine.readTexture.pure.js";
import { waitForFence } from "../capture/webglCapture.js";

/** Reads the RGBA float rows of `target`; null when the context went while waiting. */
async function readRgbaFloat(engine: AbstractEngine, target: RenderTargetWrapper): Promise<Float32Array | null> {
    const { width, height } = target;
    if (engine.isWebGPU) {
        RegisterEnginesWebGPUExtensionsEngineReadTexture();
        const data = await (engine as WebGPUEngine)._readTexturePixels(target.texture!, width, height);
        return data instanceof Float32Array ? data : null; // half floats come back converted
    }
    const gl = (engine as Engine)._gl as WebGL2RenderingContext;
    const framebuffer = (target as WebGLRenderTargetWrapper)._framebuffer;
    const pbo = gl.createBuffer();
    const bound = gl.getParameter(gl.READ_FRAMEBUFFER_BINDING) as WebGLFramebuffer | null;
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, framebuffer);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, pbo);
    gl.bufferData(gl.PIXEL_PACK_BUFFER, width * height * 16, gl.STREAM_READ);
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.FLOAT, 0);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, bound);
    const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0)!;
    gl.flush();
    try {
        if (!(await waitForFence(gl, sync))) {
            return null;
        }
        const rows = new Float32Array(width * height * 4);
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, pbo);
        gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, rows);
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
        return rows;
    } finally {
        gl.deleteSync(sync);
        gl.deleteBuffer(pbo);
    }
}

/** The mean alpha of `target` in [0, 1], or null when it could not be read. */
export async function readValidShare(engine: AbstractEngine, target: RenderTargetWrapper): Promise<number | null> {
    const rows = await readRgbaFloat(engine, target);
    if (!rows || rows.length === 0) {
        return null;
    }
    let sum = 0;
    for (let i = 3; i < rows.length; i += 4) {
        sum += Math.min(1, Math.max(0, rows[i]));
    }
    return sum / (rows.length / 4);
}
