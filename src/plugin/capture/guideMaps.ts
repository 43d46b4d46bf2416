/**
 * The maps a model's guides are captured from: the camera's geometry pass (shared with the temporal filter and the
 * selection mask), rendered while the loaded model declares guides, with normals while it declares a normal guide.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import type { ModelDescription } from "../model/modelContract.js";
import { acquireGeometryPass, releaseGeometryPass, type GeometryPass } from "../temporal/geometryPass.js";
import type { GuideMaps } from "./frameCapture.js";

export class GuideMapSource {
    private _geometry: GeometryPass | undefined;
    private _normals = false;
    private _model: ModelDescription | undefined;
    private _paused = false;
    /** Reused: read once per captured frame. */
    private readonly _maps: GuideMaps = {};

    public constructor(
        private readonly _scene: Scene,
        private readonly _camera: Camera
    ) {}

    /** Follows the loaded model: the geometry pass renders while it has guides (with normals for a normal guide). */
    public set model(model: ModelDescription | undefined) {
        this._model = model;
        this._update();
    }

    /** While true (stylization off), the geometry pass is not held for the guides. */
    public set paused(value: boolean) {
        this._paused = value;
        this._update();
    }

    private _update(): void {
        const model = this._paused ? undefined : this._model;
        const normals = !!model?.guides?.normal;
        if (this._geometry && (!model?.guides || normals !== this._normals)) {
            this._release();
        }
        if (model?.guides && !this._geometry) {
            this._geometry = acquireGeometryPass(this._scene, this._camera, normals);
            this._normals = normals;
        }
    }

    /**
     * This frame's maps, once rendered with every mesh (the capture samples them by position: a stale size still
     * lines up); undefined before.
     */
    public get maps(): GuideMaps | undefined {
        const geometry = this._geometry;
        if (!geometry?.settled) {
            return undefined;
        }
        this._maps.depth = geometry.depth;
        this._maps.normal = this._normals ? geometry.normal : undefined;
        return this._maps;
    }

    public dispose(): void {
        this._model = undefined;
        this._release();
    }

    private _release(): void {
        if (this._geometry) {
            releaseGeometryPass(this._camera, this._geometry, this._normals);
            this._geometry = undefined;
        }
    }
}
