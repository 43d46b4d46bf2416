/**
 * The scene pass the temporal filter reads, in one multi-target render of the camera's view: view-space z (a float,
 * 0 where nothing was drawn) and each pixel's screen motion since the last frame, Babylon's linear velocity (last
 * frame's position minus this one's, in texture units; it comes from each mesh's and bone's last world matrices, so
 * objects that move by themselves have theirs), and, while a user asks for them, view-space normals (a normal guide).
 * Nearest sampling: depths and motions are compared, never blended. One pass per camera serves every user (the
 * temporal filter, the selection mask, guides, the training recorder): see acquireGeometryPass.
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
    /** The engine frame at whose end every mesh's shader was first ready; -1 before. */
    private _readySince = -1;

    public constructor(
        scene: Scene,
        private readonly _camera: Camera
    ) {
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
            // Signed (a half float): Babylon writes the unit normal itself, not n * 0.5 + 0.5.
            [GeometryBufferRenderer.NORMAL_TEXTURE_TYPE]: {
                textureType: Constants.TEXTURETYPE_HALF_FLOAT,
                textureFormat: Constants.TEXTUREFORMAT_RGBA,
                samplingMode: nearest,
            },
        });
        this._renderer.enableNormal = false;
        this._renderer.enableVelocityLinear = true;
        this.target.activeCamera = _camera;
    }

    /**
     * Whether the pass also renders view-space normals. Babylon rebuilds the multi render target for it: the new one
     * takes the old one's place among the camera's render targets, and the pass settles again.
     */
    public get normals(): boolean {
        return this._renderer.enableNormal;
    }

    public set normals(on: boolean) {
        if (on === this._renderer.enableNormal) {
            return;
        }
        const targets = this._camera.customRenderTargets;
        const index = targets.indexOf(this.target);
        this._renderer.enableNormal = on; // disposing the old target takes it out of the camera's list
        this.target.activeCamera = this._camera;
        if (index >= 0) {
            targets.splice(index, 0, this.target);
        }
        this.unsettle();
    }

    /** The render target to add to the camera's custom render targets. */
    public get target(): MultiRenderTarget {
        return this._renderer.getGBuffer();
    }

    private _texture(type: number): InternalTexture | undefined {
        return this.target.textures?.[this._renderer.getTextureIndex(type)]?.getInternalTexture() ?? undefined; // none on a NullEngine
    }

    /** View-space z of the last render. */
    public get depth(): InternalTexture | undefined {
        return this._texture(GeometryBufferRenderer.DEPTH_TEXTURE_TYPE);
    }

    /** View-space unit normals of the last render (0 where nothing was drawn); undefined unless {@link normals}. */
    public get normal(): InternalTexture | undefined {
        return this.normals ? this._texture(GeometryBufferRenderer.NORMAL_TEXTURE_TYPE) : undefined;
    }

    /** Screen motion (last frame's uv minus this frame's) of the last render. */
    public get velocity(): InternalTexture | undefined {
        return this._texture(GeometryBufferRenderer.VELOCITY_LINEAR_TEXTURE_TYPE);
    }

    /**
     * True once this frame's render drew every mesh: the pass leaves out a mesh whose shader is still compiling (its
     * depth reads "nothing drawn"), so the first frames after the pass starts, and after a new kind of mesh appears
     * before the first check, can miss geometry. Checked after a frame renders; true from the frame after the one at
     * whose end every shader was ready.
     */
    public get settled(): boolean {
        const frame = this.target.getScene()!.getEngine().frameId;
        if (this._readySince < 0 && this.target.isReadyForRendering()) {
            this._readySince = frame;
        }
        return this._readySince >= 0 && frame > this._readySince;
    }

    /** Not settled again until a frame after every mesh's shader is ready (see {@link settled}). */
    public unsettle(): void {
        this._readySince = -1;
    }

    /** Resizes to the engine's render size when the canvas changed: false then (this frame's render is stale). */
    public fitsRenderSize(): boolean {
        const engine = this.target.getScene()!.getEngine();
        const [width, height] = [engine.getRenderWidth(), engine.getRenderHeight()];
        const size = this.target.getSize();
        if (size.width === width && size.height === height) {
            return true;
        }
        this.target.resize({ width, height });
        return false;
    }

    public dispose(): void {
        this._renderer.dispose();
    }
}

/**
 * The camera's geometry pass and its users. It renders (is one of the camera's custom render targets) while it has
 * users; without them it stays idle for the next one (Babylon's WebGPU engine never frees an effect's leftover uniform
 * buffer: see stylizationPostProcess.ts) and goes with the camera.
 */
const shared = new WeakMap<Camera, { pass: GeometryPass; users: number; normalUsers: number }>();

/**
 * The camera's geometry pass, rendering each frame until every acquirer has released it; with normals while an
 * acquirer that asked for them (`normals`) holds it.
 */
export function acquireGeometryPass(scene: Scene, camera: Camera, normals = false): GeometryPass {
    let entry = shared.get(camera);
    if (!entry) {
        const created = (entry = { pass: new GeometryPass(scene, camera), users: 0, normalUsers: 0 });
        shared.set(camera, created);
        camera.onDisposeObservable.addOnce(() => {
            shared.delete(camera);
            created.pass.dispose();
        });
    }
    if (entry.users++ === 0) {
        camera.customRenderTargets.push(entry.pass.target);
        entry.pass.unsettle(); // idle, it checked no mesh: those made or changed meanwhile may still be compiling
    }
    if (normals && entry.normalUsers++ === 0) {
        entry.pass.normals = true;
    }
    return entry.pass;
}

/** One user less (`normals`: as it was acquired); the last one stops the pass from rendering. */
export function releaseGeometryPass(camera: Camera, pass: GeometryPass, normals = false): void {
    const entry = shared.get(camera);
    if (entry?.pass !== pass || entry.users === 0) {
        return;
    }
    if (normals && entry.normalUsers > 0 && --entry.normalUsers === 0) {
        pass.normals = false;
    }
    if (--entry.users > 0) {
        return;
    }
    const targets = camera.customRenderTargets;
    const index = targets.indexOf(pass.target);
    if (index >= 0) {
        targets.splice(index, 1);
    }
}
