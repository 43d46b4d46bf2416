/**
 * WebGL2 capture: the preprocess pass renders into a float target; a pixel-pack buffer and a fence read it back
 * without stalling (never a synchronous readPixels in the loop), then the RGBA rows are de-interleaved into NCHW.
 */
import type { Engine } from "@babylonjs/core/Engines/engine.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { PackedParams } from "../contract/shaderParams.js";
import { WebGlPreprocess } from "../preprocess/webglPreprocess.js";
import type { FrameCapture } from "./frameCapture.js";

/** Polls a fence once per macrotask until the GPU has passed it; resolves false if the context was lost. */
function waitForFence(gl: WebGL2RenderingContext, sync: WebGLSync): Promise<boolean> {
    return new Promise((resolve) => {
        const poll = () => {
            if (gl.isContextLost()) {
                resolve(false);
                return;
            }
            const status = gl.clientWaitSync(sync, 0, 0);
            if (status === gl.WAIT_FAILED) {
                resolve(false);
            } else if (status === gl.TIMEOUT_EXPIRED) {
                setTimeout(poll, 1);
            } else {
                resolve(true);
            }
        };
        poll();
    });
}

export class WebGlFrameCapture implements FrameCapture {
    public readonly gpuTensor = undefined;
    private readonly _preprocess: WebGlPreprocess;
    private readonly _gl: WebGL2RenderingContext;
    private _pbo: WebGLBuffer | null = null;
    private _width = 0;
    private _height = 0;
    /** RGBA32F readback, reused every frame. */
    private _rgba = new Float32Array(0);

    public constructor(private readonly _engine: Engine) {
        this._gl = _engine._gl as WebGL2RenderingContext;
        this._preprocess = new WebGlPreprocess(_engine);
    }

    public configure(width: number, height: number, packed: PackedParams): void {
        this._preprocess.configure(width, height, packed);
        if (width === this._width && height === this._height && this._pbo) {
            return;
        }
        this._width = width;
        this._height = height;
        this._rgba = new Float32Array(width * height * 4);
        this._pbo ??= this._gl.createBuffer(); // its storage is given at each readback
    }

    public dispatch(frame: InternalTexture): boolean {
        return this._preprocess.render(frame);
    }

    public async read(out: Float32Array): Promise<Float32Array | null> {
        const gl = this._gl;
        const target = this._preprocess.target;
        if (!target || !this._pbo) {
            return null;
        }
        this._engine.bindFramebuffer(target);
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, this._pbo);
        // Fresh storage for every readback: writing again into storage that Chromium shadow-copied for the previous
        // readback discards that copy ("READ-usage buffer was written, then fenced, but written again before being
        // read back") and costs a copy per frame; orphaning it was measured faster, with no warning.
        gl.bufferData(gl.PIXEL_PACK_BUFFER, this._rgba.byteLength, gl.STREAM_READ);
        gl.readPixels(0, 0, this._width, this._height, gl.RGBA, gl.FLOAT, 0);
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
        this._engine.unBindFramebuffer(target);
        const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
        if (!sync) {
            return null;
        }
        gl.flush();
        const passed = await waitForFence(gl, sync);
        gl.deleteSync(sync);
        if (!passed || !this._pbo) {
            return null;
        }
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, this._pbo);
        gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, this._rgba);
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
        const plane = this._width * this._height;
        const rgba = this._rgba;
        for (let i = 0; i < plane; i++) {
            out[i] = rgba[i * 4];
            out[plane + i] = rgba[i * 4 + 1];
            out[2 * plane + i] = rgba[i * 4 + 2];
        }
        return out;
    }

    public dispose(): void {
        this._preprocess.dispose();
        if (this._pbo) {
            this._gl.deleteBuffer(this._pbo);
            this._pbo = null;
        }
    }
}
