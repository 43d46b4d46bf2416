/**
 * The scene pass the temporal filter reads, in one multi-target render of the camera's view: view-space z (a float,
 * 0 where nothing was drawn) and each pixel's screen motion since the last frame, Babylon's linear velocity (last
 * frame's position minus this one's, in texture units; it comes from each mesh's and bone's last world matrices, so
 * objects that move by themselves have theirs). Nearest sampling: depths and motions are compared, never blended.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import { RegisterEnginesExtensionsEngineMultiRender } from "@babylonjs/core/Engines/Extensions/engine.multiRender.pure.js";
import { RegisterEnginesWebGPUExtensionsEngineMultiRender } from "@babylonjs/core/Engines/WebGPU/Extensions/engine.multiRender.pure.js";
import { GeometryBufferRenderer } from "@babylonjs/core/Rendering/geometryBufferRenderer.pure.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { MultiRenderTarget } from "@babylonjs/core/Materials/Textures/multiRenderTarget.js";

export class GeometryPass {
    private readonly _renderer: GeometryBufferRenderer;

    public constructor(scene: Scene, camera: Camera) {
        // Registered on use, not on import (a page may not have the engine kind at all).
        (scene.getEngine().isWebGPU ? RegisterEnginesWebGPUExtensionsEngineMultiRender : RegisterEnginesExtensionsEngineMultiRender)();
        const nearest = Constants.TEXTURE_NEAREST_SAMPLINGMODE;
        this._renderer = new GeometryBufferRenderer(scene, 1, undefined, {
            [GeometryBufferRenderer.DEPTH_TEXTURE_TYPE]: {
                textureType: Constants.TEXTURETYPE_FLOAT,
                textureFormat: Constants.TEXTUREFORMAT_R,
                samplingMode: nearest,
            },
            [GeometryBufferRenderer.VELOCITY_LINEAR_TEXTURE_TYPE]: {
                textureType: Constants.TEXTURETYPE_HALF_FLOAT,
                textureFormat: Constants.TEXTUREFORMAT_RG,
                samplingMode: nearest,
            },
        });
        this._renderer.enableNormal = false;
        this._renderer.enableVelocityLinear = true;
        this.target.activeCamera = camera;
    }

    /** The render target to add to the camera's custom render targets. */
    public get target(): MultiRenderTarget {
        return this._renderer.getGBuffer();
    }

    private _texture(type: number): InternalTexture | undefined {
        return this.target.textures[this._renderer.getTextureIndex(type)]?.getInternalTexture() ?? undefined;
    }

    /** View-space z of the last render. */
    public get depth(): InternalTexture | undefined {
        return this._texture(GeometryBufferRenderer.DEPTH_TEXTURE_TYPE);
    }

    /** Screen motion (last frame's uv minus this frame's) of the last render. */
    public get velocity(): InternalTexture | undefined {
        return this._texture(GeometryBufferRenderer.VELOCITY_LINEAR_TEXTURE_TYPE);
    }

    public resize(width: number, height: number): void {
        this.target.resize({ width, height });
    }

    public dispose(): void {
        this._renderer.dispose();
    }
}
