/**
 * WebGL2 capture + preprocess: a GLSL pass renders the tensor (channels in RGB) into an RGBA32F target of the inference
 * size; a pixel-pack buffer and a fence read it back without stalling (never a synchronous readPixels in the loop).
 */
import type { Engine } from "@babylonjs/core/Engines/engine.js";
import "@babylonjs/core/Engines/Extensions/engine.renderTarget.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import { EffectRenderer, EffectWrapper } from "@babylonjs/core/Materials/effectRenderer.js";
import { ShaderStore } from "@babylonjs/core/Engines/shaderStore.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { RenderTargetWrapper } from "@babylonjs/core/Engines/renderTargetWrapper.js";
import { ParamNames, PreprocessGlsl, type PackedParams } from "../contract/shaders.js";

const ShaderName = "stylizePreprocess";

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

export class WebGlCapture {
    private readonly _renderer: EffectRenderer;
    private readonly _wrapper: EffectWrapper;
    private readonly _gl: WebGL2RenderingContext;
    private _target: RenderTargetWrapper | undefined;
    private _pbo: WebGLBuffer | null = null;
    private _packed: PackedParams | undefined;
    private _frame: InternalTexture | undefined;
    private _width = 0;
    private _height = 0;
    /** RGBA32F readback, reused every frame. */
    private _rgba = new Float32Array(0);

    public constructor(private readonly _engine: Engine) {
        this._gl = _engine._gl as WebGL2RenderingContext;
        ShaderStore.ShadersStore[`${ShaderName}FragmentShader`] = PreprocessGlsl;
        this._renderer = new EffectRenderer(_engine);
        this._wrapper = new EffectWrapper({
            engine: _engine,
            name: ShaderName,
            fragmentShader: ShaderName,
            useShaderStore: true,
            uniformNames: [...ParamNames],
            samplerNames: ["textureSampler"],
        });
        this._wrapper.onApplyObservable.add(() => {
            const effect = this._wrapper.effect;
            if (this._frame) {
                effect._bindTexture("textureSampler", this._frame);
            }
            ParamNames.forEach((n, i) => {
                const v = this._packed![i];
                effect.setFloat4(n, v[0], v[1], v[2], v[3]);
            });
        });
    }

    public resize(width: number, height: number): void {
        if (width === this._width && height === this._height && this._target) {
            return;
        }
        this._target?.dispose();
        this._target = this._engine.createRenderTargetTexture(
            { width, height },
            {
                type: Constants.TEXTURETYPE_FLOAT,
                format: Constants.TEXTUREFORMAT_RGBA,
                generateMipMaps: false,
                generateDepthBuffer: false,
                generateStencilBuffer: false,
                samplingMode: Constants.TEXTURE_NEAREST_SAMPLINGMODE,
                label: "stylizeInputTensor",
            }
        );
        this._width = width;
        this._height = height;
        this._rgba = new Float32Array(width * height * 4);
        const gl = this._gl;
        if (!this._pbo) {
            this._pbo = gl.createBuffer();
        }
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, this._pbo);
        gl.bufferData(gl.PIXEL_PACK_BUFFER, this._rgba.byteLength, gl.STREAM_READ);
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    }

    public setParams(packed: PackedParams): void {
        this._packed = packed;
    }

    /** Renders the preprocessing pass into the float target; false while the shader is still compiling. */
    public dispatch(frame: InternalTexture): boolean {
        if (!this._target || !this._packed || !this._wrapper.isReady()) {
            return false;
        }
        this._frame = frame;
        this._renderer.render(this._wrapper, this._target);
        this._frame = undefined;
        return true;
    }

    /**
     * Starts the asynchronous readback of the last dispatch and de-interleaves it into `out` (NCHW).
     * Resolves null when the context was lost meanwhile.
     */
    public async read(out: Float32Array): Promise<Float32Array | null> {
        const gl = this._gl;
        const target = this._target!;
        this._engine.bindFramebuffer(target);
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, this._pbo);
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
        this._target?.dispose();
        this._target = undefined;
        if (this._pbo) {
            this._gl.deleteBuffer(this._pbo);
            this._pbo = null;
        }
        this._wrapper.dispose();
        this._renderer.dispose();
    }
}
