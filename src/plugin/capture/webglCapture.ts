/**
 * WebGL2 capture: the preprocess pass renders into a float target; a pixel-pack buffer and a fence read it back
 * without stalling (never a synchronous readPixels in the loop), then the RGBA rows are de-interleaved into NCHW.
 */
import type { Engine } from "@babylonjs/core/Engines/engine.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { PackedParams } from "../contract/shaderParams.js";
import { WebGlPreprocess } from "../preprocess/webglPreprocess.js";
import type { FrameCapture, GuideMaps } from "./frameCapture.js";

/** Polls a fence once per macrotask until the GPU has passed it; resolves false if the context was lost. */
export function waitForFence(gl: WebGL2RenderingContext, sync: WebGLSync): Promise<boolean> {
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

/** One readback slot: a pixel-pack buffer and the RGBA32F rows it is read into. */
interface ReadbackSlot {
    pbo: WebGLBuffer;
    rgba: Float32Array;
    busy: boolean;
}

export class WebGlFrameCapture implements FrameCapture {
    public readonly gpuTensor = undefined;
    /** Readbacks that can be in flight at once, each with its own buffer and fence. */
    public readonly slots = 3;
    private readonly _preprocess: WebGlPreprocess;
    private readonly _gl: WebGL2RenderingContext;
    private _ring: ReadbackSlot[] = [];
    private _width = 0;
    private _height = 0;
    private _channels = 3;

    public constructor(private readonly _engine: Engine) {
        this._gl = _engine._gl as WebGL2RenderingContext;
        this._preprocess = new WebGlPreprocess(_engine);
    }

    public configure(width: number, height: number, packed: PackedParams, channels: number): void {
        this._preprocess.configure(width, height, packed, channels);
        [this._width, this._height, this._channels] = [width, height, channels];
    }

    public dispatch(frame: InternalTexture, guides?: GuideMaps): boolean {
        return this._preprocess.render(frame, guides);
    }

    /** Rows of the float target: the tensor's, twice over for more than 4 channels (see preprocessShaders.ts). */
    private get _rows(): number {
        return this._channels > 4 ? 2 * this._height : this._height;
    }

    /** A free slot sized for the current tensor (a slot in flight keeps its buffer until its readback ends). */
    private _slot(): ReadbackSlot | undefined {
        const length = this._width * this._rows * 4;
        let slot = this._ring.find((s) => !s.busy);
        if (!slot && this._ring.length < this.slots) {
            const pbo = this._gl.createBuffer();
            if (!pbo) {
                return undefined;
            }
            slot = { pbo, rgba: new Float32Array(length), busy: false };
            this._ring.push(slot);
        }
        if (slot && slot.rgba.length !== length) {
            slot.rgba = new Float32Array(length);
        }
        return slot;
    }

    public async read(out: Float32Array): Promise<Float32Array | null> {
        const gl = this._gl;
        const target = this._preprocess.target;
        const slot = this._slot();
        if (!target || !slot) {
            return null;
        }
        const [width, height, rows, channels, rgba] = [this._width, this._height, this._rows, this._channels, slot.rgba];
        slot.busy = true;
        try {
            this._engine.bindFramebuffer(target);
            gl.bindBuffer(gl.PIXEL_PACK_BUFFER, slot.pbo);
            // Fresh storage for every readback: writing again into storage that Chromium shadow-copied for the previous
            // readback discards that copy ("READ-usage buffer was written, then fenced, but written again before being
            // read back") and costs a copy per frame; orphaning it was measured faster, with no warning.
            gl.bufferData(gl.PIXEL_PACK_BUFFER, rgba.byteLength, gl.STREAM_READ);
            gl.readPixels(0, 0, width, rows, gl.RGBA, gl.FLOAT, 0);
            gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
            this._engine.unBindFramebuffer(target);
            const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
            if (!sync) {
                return null;
            }
            gl.flush();
            const passed = await waitForFence(gl, sync);
            gl.deleteSync(sync);
            if (!passed || !this._ring.includes(slot)) {
                return null; // context lost, or disposed meanwhile
            }
            gl.bindBuffer(gl.PIXEL_PACK_BUFFER, slot.pbo);
            gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, rgba);
            gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
        } finally {
            slot.busy = false;
        }
        const plane = width * height;
        for (let c = 0; c < channels; c++) {
            const from = (c >> 2) * plane * 4 + (c & 3); // channels 4-7 in the upper rows
            for (let i = 0; i < plane; i++) {
                out[c * plane + i] = rgba[from + i * 4];
            }
        }
        return out;
    }

    public dispose(): void {
        this._preprocess.dispose();
        for (const slot of this._ring) {
            this._gl.deleteBuffer(slot.pbo);
        }
        this._ring = [];
    }
}
