/**
 * A compute pass over one NCHW tensor, as both WebGPU stages use it (preprocess writes the input tensor, postprocess
 * reads the output tensor): the shader, dispatched in 8x8 workgroups over the tensor's pixels; the tensor's storage
 * buffer, re-allocated only when the size changes; the packed contract in a uniform buffer. The shader binds them as
 * `tensor` and `params`; the stage binds the rest. The stage that creates a pass disposes it.
 */
import type { WebGPUEngine } from "@babylonjs/core/Engines/webgpuEngine.js";
import type { ComputeBindingMapping } from "@babylonjs/core/Engines/Extensions/engine.computeShader.js";
import { RegisterEnginesWebGPUExtensionsEngineComputeShader } from "@babylonjs/core/Engines/WebGPU/Extensions/engine.computeShader.pure.js";
import { ComputeShader } from "@babylonjs/core/Compute/computeShader.pure.js";
import { StorageBuffer } from "@babylonjs/core/Buffers/storageBuffer.js";
import { UniformBuffer } from "@babylonjs/core/Materials/uniformBuffer.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import { ParamNames, type PackedParams } from "../contract/shaderParams.js";

/** A uniform buffer holding the vec4s of {@link PackedParams}. */
function createParamsBuffer(engine: WebGPUEngine, label: string): UniformBuffer {
    const ubo = new UniformBuffer(engine, undefined, false, label);
    for (const name of ParamNames) {
        ubo.addUniform(name, 4);
    }
    return ubo;
}

function updateParamsBuffer(ubo: UniformBuffer, packed: PackedParams): void {
    ParamNames.forEach((name, i) => ubo.updateFloat4(name, packed[i][0], packed[i][1], packed[i][2], packed[i][3]));
    ubo.update();
}

/** A [1, channels, height, width] float32 tensor in a storage buffer that compute shaders and onnxruntime read and write. */
function createTensorBuffer(engine: WebGPUEngine, channels: number, width: number, height: number, label: string): StorageBuffer {
    return new StorageBuffer(engine, channels * width * height * 4, Constants.BUFFER_CREATIONFLAG_READWRITE, label);
}

export interface TensorComputePassOptions {
    /** The shader's name; its uniform buffer is labelled `<name>Params`. */
    name: string;
    /** WGSL source. */
    source: string;
    bindingsMapping: ComputeBindingMapping;
    /** Label of the tensor's storage buffer. */
    tensorLabel: string;
}

export class TensorComputePass {
    public readonly shader: ComputeShader;
    private readonly _params: UniformBuffer;
    private _tensor: StorageBuffer | undefined;
    private _width = 0;
    private _height = 0;
    private _channels = 3;

    public constructor(
        private readonly _engine: WebGPUEngine,
        private readonly _options: TensorComputePassOptions
    ) {
        // Babylon's pure modules register on use, not on import; the WebGPU engine does not load its compute extension.
        RegisterEnginesWebGPUExtensionsEngineComputeShader();
        this.shader = new ComputeShader(_options.name, _engine, { computeSource: _options.source }, { bindingsMapping: _options.bindingsMapping });
        this._params = createParamsBuffer(_engine, `${_options.name}Params`);
        this.shader.setUniformBuffer("params", this._params);
    }

    /** The tensor's GPU buffer (as onnxruntime's `Tensor.fromGpuBuffer` takes it); undefined before {@link configure}. */
    public get gpuTensor(): GPUBuffer | undefined {
        return this._tensor?.getBuffer().underlyingResource as GPUBuffer | undefined;
    }

    public get width(): number {
        return this._width;
    }

    public get height(): number {
        return this._height;
    }

    /** Sets the tensor size and channels (re-allocating the buffer only when they changed) and the packed contract. */
    public configure(width: number, height: number, packed: PackedParams, channels = 3): void {
        if (width !== this._width || height !== this._height || channels !== this._channels || !this._tensor) {
            this._tensor?.dispose();
            this._tensor = createTensorBuffer(this._engine, channels, width, height, this._options.tensorLabel);
            this.shader.setStorageBuffer("tensor", this._tensor);
            [this._width, this._height, this._channels] = [width, height, channels];
        }
        updateParamsBuffer(this._params, packed);
    }

    /** Records the dispatch into Babylon's frame; false before {@link configure} or while the shader compiles. */
    public dispatch(): boolean {
        return !!this._tensor && this.shader.dispatch(Math.ceil(this._width / 8), Math.ceil(this._height / 8), 1);
    }

    /** Reads the tensor back to the CPU (a buffer map: debug and readback paths only). */
    public async read(out: Float32Array): Promise<Float32Array | null> {
        if (!this._tensor) {
            return null;
        }
        await this._tensor.read(0, out.byteLength, out);
        return out;
    }

    public dispose(): void {
        this._tensor?.dispose();
        this._tensor = undefined;
        this._params.dispose();
    }
}
