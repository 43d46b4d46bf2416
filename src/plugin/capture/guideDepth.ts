/**
 * The view-depth map a model's depth guide is captured from: the camera's geometry pass (shared with the temporal
 * filter and the selection mask), rendered only while the loaded model declares a depth guide.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { ModelDescription } from "../model/modelContract.js";
import { acquireGeometryPass, releaseGeometryPass, type GeometryPass } from "../temporal/geometryPass.js";

export class GuideDepth {
    private _geometry: GeometryPass | undefined;

    public constructor(
        private readonly _scene: Scene,
        private readonly _camera: Camera
    ) {}

    /** Follows the loaded model: the geometry pass renders while it has guides. */
    public set model(model: ModelDescription | undefined) {
        if (model?.guides && !this._geometry) {
            this._geometry = acquireGeometryPass(this._scene, this._camera);
        } else if (!model?.guides && this._geometry) {
            this.dispose();
        }
    }

    /**
     * This frame's view depth, once rendered with every mesh (the capture samples it by position: a stale size still
     * lines up).
     */
    public get texture(): InternalTexture | undefined {
        return this._geometry?.settled ? this._geometry.depth : undefined;
    }

    public dispose(): void {
        if (this._geometry) {
            releaseGeometryPass(this._camera, this._geometry);
            this._geometry = undefined;
        }
    }
}
