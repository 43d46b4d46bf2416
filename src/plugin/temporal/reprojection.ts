/**
 * Reprojection: what the composite needs to warp the shown result, captured frames ago, to the camera of the frame
 * being drawn. A depth pass renders the camera's view-space depth each frame; at every capture its depth is copied
 * aside with the camera's matrices, so when that capture's result is shown the composite knows where each surface was
 * then. The composite then samples the result where the current pixel's surface was, and falls back to the current
 * frame where that surface was hidden or off screen (see compositeShaders.ts).
 * Only the camera's motion is followed: objects that move by themselves are drawn where the result saw them.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import { Matrix } from "@babylonjs/core/Maths/math.vector.pure.js";
import { DepthRenderer } from "@babylonjs/core/Rendering/depthRenderer.pure.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import { DepthCopy } from "./depthCopy.js";
import type { RenderTargetWrapper } from "@babylonjs/core/Engines/renderTargetWrapper.js";

/** What the composite binds to warp the shown result (see ThinStylizationComposite). */
export interface ReprojectionBinding {
    /** View-space depth of the frame being drawn (0 where nothing was drawn). */
    currentDepth: InternalTexture;
    /** View-space depth of the frame the shown result stylizes. */
    resultDepth: InternalTexture;
    resultDepthSize: { width: number; height: number };
    /** Current clip to current view space. */
    inverseProjection: Matrix;
    /** Current view space to the result's clip space, and to the result's view space. */
    toResultClip: Matrix;
    toResultView: Matrix;
    /** The view-space depth given to pixels where nothing was drawn (sky, clear colour): the far plane. */
    backgroundZ: number;
}

/** The camera and depth of one captured frame. */
interface CaptureRecord {
    view: Matrix;
    viewProjection: Matrix;
    depth: RenderTargetWrapper;
}

/** Records kept beyond the shown one: the captures in flight (the readback lanes hold at most four). */
const MaxRecords = 8;

export class Reprojection {
    private _depth: DepthRenderer | undefined;
    private _copy: DepthCopy | undefined;
    private readonly _records = new Map<number, CaptureRecord>();
    private readonly _scratch = { inverseView: new Matrix(), inverseProjection: new Matrix(), clip: new Matrix(), view: new Matrix() };

    public constructor(
        private readonly _scene: Scene,
        private readonly _camera: Camera,
        enabled: boolean
    ) {
        this.enabled = enabled;
    }

    /** Whether results are warped; off, no depth pass runs and the composite shows results as they are. */
    public get enabled(): boolean {
        return !!this._depth;
    }
    public set enabled(value: boolean) {
        if (value === this.enabled) {
            return;
        }
        if (value) {
            const engine = this._scene.getEngine();
            // Camera-space z in a float target, nearest sampling: depths are compared, never blended.
            this._depth = new DepthRenderer(
                this._scene,
                Constants.TEXTURETYPE_FLOAT,
                this._camera,
                false,
                Constants.TEXTURE_NEAREST_SAMPLINGMODE,
                true,
                "stylizeDepth"
            );
            this._camera.customRenderTargets.push(this._depth.getDepthMap());
            this._copy = new DepthCopy(engine);
        } else {
            this._release();
        }
    }

    /** Keeps the camera and the depth of the frame captured now (called in the frame's onAfterRender). */
    public record(frameId: number): void {
        const depth = this._depth?.getDepthMap();
        const source = depth?.getInternalTexture();
        if (!depth || !source || !this._copy) {
            return;
        }
        const engine = this._scene.getEngine();
        const [width, height] = [engine.getRenderWidth(), engine.getRenderHeight()];
        if (source.width !== width || source.height !== height) {
            depth.resize({ width, height }); // the canvas changed: this frame's depth is stale, the next one is right
            return;
        }
        if (!this._copy.isReady()) {
            return; // the copy shader is still compiling
        }
        const target = this._copy.copy(source, this._reuse(frameId, width, height));
        const camera = this._camera;
        this._records.set(frameId, { view: camera.getViewMatrix().clone(), viewProjection: camera.getTransformationMatrix().clone(), depth: target });
    }

    /** A copy target for a new record: the oldest record's when there are enough (same size), else a new one. */
    private _reuse(frameId: number, width: number, height: number): RenderTargetWrapper | undefined {
        this._records.get(frameId)?.depth.dispose();
        this._records.delete(frameId);
        if (this._records.size < MaxRecords) {
            return undefined;
        }
        const oldest = Math.min(...this._records.keys());
        const { depth } = this._records.get(oldest)!;
        this._records.delete(oldest);
        if (depth.width === width && depth.height === height) {
            return depth;
        }
        depth.dispose();
        return undefined;
    }

    /**
     * What the composite binds to warp the result captured in engine frame `frameId` to the camera now, or undefined
     * when it shows the result as it is: reprojection off, the capture's record missing, or the camera unmoved (the
     * result then shows exactly as captured, bit for bit).
     */
    public binding(frameId: number): ReprojectionBinding | undefined {
        for (const id of this._records.keys()) {
            if (id < frameId) {
                this._records.get(id)!.depth.dispose(); // older than the shown result: never needed again
                this._records.delete(id);
            }
        }
        const record = this._records.get(frameId);
        const currentDepth = this._depth?.getDepthMap().getInternalTexture();
        const camera = this._camera;
        const view = camera.getViewMatrix();
        if (!record || !currentDepth || (view.equals(record.view) && camera.getTransformationMatrix().equals(record.viewProjection))) {
            return undefined;
        }
        const s = this._scratch;
        view.invertToRef(s.inverseView);
        camera.getProjectionMatrix().invertToRef(s.inverseProjection);
        s.inverseView.multiplyToRef(record.viewProjection, s.clip);
        s.inverseView.multiplyToRef(record.view, s.view);
        const far = camera.maxZ > 0 ? camera.maxZ : 1e5;
        return {
            currentDepth,
            resultDepth: record.depth.texture!,
            resultDepthSize: { width: record.depth.width, height: record.depth.height },
            inverseProjection: s.inverseProjection,
            toResultClip: s.clip,
            toResultView: s.view,
            backgroundZ: this._scene.useRightHandedSystem ? -far : far,
        };
    }

    private _release(): void {
        this._records.forEach((record) => record.depth.dispose());
        this._records.clear();
        const map = this._depth?.getDepthMap();
        const targets = this._camera.customRenderTargets;
        if (map && targets.includes(map)) {
            targets.splice(targets.indexOf(map), 1);
        }
        this._depth?.dispose();
        this._copy?.dispose();
        this._depth = this._copy = undefined;
    }

    public dispose(): void {
        this._release();
    }
}
