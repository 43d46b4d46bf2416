/**
 * How the shown result follows the camera and stays stable over time. A depth pass renders the camera's view-space
 * depth each frame; at every capture the depth is copied aside with the camera's matrices, so when that capture's
 * result is shown the temporal pass (temporalPass.ts) knows where each surface was then: it warps the result to the
 * current camera (reprojection) and blends it with the last frame's output warped the same way (the stabilizer). It
 * runs once per frame, after the camera's render targets and before its post processes; the composite then shows its
 * output instead of the result as captured.
 * Only the camera's motion is followed: objects that move by themselves are drawn where the result saw them.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import type { Observer } from "@babylonjs/core/Misc/observable.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import { Matrix } from "@babylonjs/core/Maths/math.vector.pure.js";
import { DepthRenderer } from "@babylonjs/core/Rendering/depthRenderer.pure.js";
import type { BaseTexture } from "@babylonjs/core/Materials/Textures/baseTexture.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { RenderTargetWrapper } from "@babylonjs/core/Engines/renderTargetWrapper.js";
import type { TemporalOptions } from "../options.js";
import { DepthCopy } from "./depthCopy.js";
import { TemporalPass, type TemporalInput } from "./temporalPass.js";

/** The camera and depth of one captured frame. */
interface CaptureRecord {
    view: Matrix;
    viewProjection: Matrix;
    depth: RenderTargetWrapper;
}

/** The result the composite shows: its texture and the engine frame it was captured in. */
export interface ShownResult {
    texture: BaseTexture;
    frameId: number;
}

/** Records kept beyond the shown one: the captures in flight (the readback lanes hold at most four). */
const MaxRecords = 8;

/** The GPU objects a filter needs; see {@link idleKits}. */
interface Kit {
    depth: DepthRenderer;
    copy: DepthCopy;
    pass: TemporalPass;
}

/**
 * Kits kept for reuse, per camera. Babylon's WebGPU engine never frees an effect's leftover uniform buffer when the
 * effect goes (as for the composite: see stylizationPostProcess.ts), so a kit outlives its filter and serves the next
 * one on the camera; the camera's disposal frees it.
 */
const idleKits = new WeakMap<Camera, Kit>();

function acquireKit(scene: Scene, camera: Camera): Kit {
    const idle = idleKits.get(camera);
    if (idle) {
        idleKits.delete(camera);
        return idle;
    }
    const engine = scene.getEngine();
    // Camera-space z in a float target, nearest sampling: depths are compared, never blended.
    const depth = new DepthRenderer(scene, Constants.TEXTURETYPE_FLOAT, camera, false, Constants.TEXTURE_NEAREST_SAMPLINGMODE, true, "stylizeDepth");
    const kit = { depth, copy: new DepthCopy(engine), pass: new TemporalPass(engine) };
    camera.onDisposeObservable.addOnce(() => {
        if (idleKits.get(camera) === kit) {
            idleKits.delete(camera);
        }
        depth.getDepthMap().dispose(); // DepthRenderer.dispose frees its map only when the scene's enableDepthRenderer made it
        depth.dispose();
        kit.copy.dispose();
        kit.pass.dispose();
    });
    return kit;
}

export class TemporalFilter {
    private _reproject: boolean;
    private _history: number;
    private _depth: DepthRenderer | undefined;
    private _copy: DepthCopy | undefined;
    private _pass: TemporalPass | undefined;
    private readonly _records = new Map<number, CaptureRecord>();
    /** The last frame the pass ran in, with its camera: the history's. */
    private _last: { frameId: number; view: Matrix; viewProjection: Matrix } | undefined;
    private _output: { frameId: number; texture: InternalTexture } | undefined;
    private readonly _observers: Array<Observer<Scene> | Observer<Camera>>;
    /** Set when this camera starts rendering: the scene also notifies onAfterRenderTargetsRender before any camera. */
    private _cameraRendering = false;
    private readonly _m = { inverseView: new Matrix(), inverseProjection: new Matrix(), clip: new Matrix(), view: new Matrix(), history: new Matrix() };

    public constructor(
        private readonly _scene: Scene,
        private readonly _camera: Camera,
        settings: Required<TemporalOptions>,
        /** The result the composite would show now, if any. */
        private readonly _shown: () => ShownResult | undefined,
        /** A failure inside a frame: the filter turns itself off (the scene keeps rendering) and reports it here. */
        private readonly _onError: (error: unknown) => void
    ) {
        this._reproject = settings.reproject;
        this._history = settings.history;
        this._update();
        this._observers = [
            _scene.onBeforeCameraRenderObservable.add((camera) => (this._cameraRendering = camera === _camera)),
            _scene.onAfterRenderTargetsRenderObservable.add(() => {
                if (this._cameraRendering) {
                    this._cameraRendering = false;
                    this._guard(() => this._run());
                }
            }),
        ];
    }

    public get settings(): Required<TemporalOptions> {
        return { reproject: this._reproject, history: this._history };
    }
    public set settings(value: Required<TemporalOptions>) {
        [this._reproject, this._history] = [value.reproject, value.history];
        this._update();
    }

    /** The depth pass runs only while something needs it; turned off, everything it kept goes. */
    private _update(): void {
        const needed = this._reproject || this._history > 0;
        if (needed === !!this._depth) {
            return;
        }
        if (needed) {
            const kit = acquireKit(this._scene, this._camera);
            [this._depth, this._copy, this._pass] = [kit.depth, kit.copy, kit.pass];
            this._camera.customRenderTargets.push(kit.depth.getDepthMap());
        } else {
            this._release();
        }
    }

    /** Runs frame work; a throw (never into Babylon's loop) turns the filter off and is reported. */
    private _guard(work: () => void): void {
        try {
            work();
        } catch (error) {
            this._reproject = false;
            this._history = 0;
            this._release();
            this._onError(error);
        }
    }

    /** Keeps the camera and the depth of the frame captured now (called in the frame's onAfterRender). */
    public record(frameId: number): void {
        this._guard(() => this._record(frameId));
    }

    private _record(frameId: number): void {
        const depth = this._depth?.getDepthMap();
        const source = depth?.getInternalTexture();
        if (!depth || !source || !this._copy?.isReady()) {
            return; // off, or the copy shader is still compiling
        }
        const engine = this._scene.getEngine();
        const [width, height] = [engine.getRenderWidth(), engine.getRenderHeight()];
        if (source.width !== width || source.height !== height) {
            depth.resize({ width, height }); // the canvas changed: this frame's depth is stale, the next one is right
            return;
        }
        const target = this._copy.copy(source, this._reuse(frameId, width, height));
        const camera = this._camera;
        this._records.set(frameId, { view: camera.getViewMatrix().clone(), viewProjection: camera.getTransformationMatrix().clone(), depth: target });
    }

    /** A copy target for a new record: the oldest record's when there are enough (same size), else a new one. */
    private _reuse(frameId: number, width: number, height: number): RenderTargetWrapper | undefined {
        this._drop((id) => id === frameId);
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

    private _drop(which: (frameId: number) => boolean): void {
        for (const [id, record] of this._records) {
            if (which(id)) {
                record.depth.dispose();
                this._records.delete(id);
            }
        }
    }

    /** The pass's output for the frame being drawn, or undefined: the composite then shows the result as captured. */
    public outputFor(frameId: number): InternalTexture | undefined {
        return this._output?.frameId === frameId ? this._output.texture : undefined;
    }

    /** Runs the pass for the frame being drawn (once this camera's render targets are done), when a result shows. */
    private _run(): void {
        if (!this._pass) {
            return; // off
        }
        const shown = this._shown();
        const currentDepth = this._depth?.getDepthMap().getInternalTexture();
        const engine = this._scene.getEngine();
        const frameId = engine.frameId;
        if (!shown || !currentDepth || !this._pass.isReady()) {
            this._last = shown ? this._last : undefined; // no result: the history ends
            return;
        }
        this._drop((id) => id < shown.frameId); // older than the shown result: never needed again
        const input = this._input(shown, currentDepth);
        if (!input.resultWarp && this._history === 0) {
            this._last = undefined;
            return; // nothing to warp or blend: the composite shows the result as it is, bit for bit
        }
        if (this._last?.frameId !== frameId - 1) {
            input.history = { weight: 0 }; // the last frame had no output: no history to blend
        }
        const { output } = this._pass.render(input, engine.getRenderWidth(), engine.getRenderHeight());
        this._output = { frameId, texture: output };
        const camera = this._camera;
        this._last = { frameId, view: camera.getViewMatrix().clone(), viewProjection: camera.getTransformationMatrix().clone() };
    }

    /** The pass's input: the result's warp when the camera moved since its capture, the history's since the last frame. */
    private _input(shown: ShownResult, currentDepth: InternalTexture): TemporalInput {
        const camera = this._camera;
        const view = camera.getViewMatrix();
        const viewProjection = camera.getTransformationMatrix();
        const m = this._m;
        view.invertToRef(m.inverseView);
        camera.getProjectionMatrix().invertToRef(m.inverseProjection);
        const far = camera.maxZ > 0 ? camera.maxZ : 1e5;
        const input: TemporalInput = {
            result: shown.texture,
            resultSize: shown.texture.getSize(),
            currentDepth,
            inverseProjection: m.inverseProjection,
            backgroundZ: this._scene.useRightHandedSystem ? -far : far,
            history: { weight: this._history },
        };
        const record = this._records.get(shown.frameId);
        if (this._reproject && record && !(view.equals(record.view) && viewProjection.equals(record.viewProjection))) {
            m.inverseView.multiplyToRef(record.viewProjection, m.clip);
            m.inverseView.multiplyToRef(record.view, m.view);
            input.resultWarp = {
                depth: record.depth.texture!,
                depthSize: { width: record.depth.width, height: record.depth.height },
                toClip: m.clip,
                toView: m.view,
            };
        }
        const last = this._last;
        if (last && !(view.equals(last.view) && viewProjection.equals(last.viewProjection))) {
            m.inverseView.multiplyToRef(last.viewProjection, m.history);
            input.history.toClip = m.history;
        }
        return input;
    }

    private _release(): void {
        this._drop(() => true);
        const map = this._depth?.getDepthMap();
        const targets = this._camera.customRenderTargets;
        if (map && targets.includes(map)) {
            targets.splice(targets.indexOf(map), 1);
        }
        if (this._depth && this._copy && this._pass) {
            if (idleKits.has(this._camera)) {
                // One idle kit per camera is enough (two filters overlapped on it): this one goes.
                this._depth.getDepthMap().dispose();
                this._depth.dispose();
                this._copy.dispose();
                this._pass.dispose();
            } else {
                this._pass.releaseTargets();
                idleKits.set(this._camera, { depth: this._depth, copy: this._copy, pass: this._pass });
            }
        }
        this._depth = this._copy = this._pass = undefined;
        this._last = this._output = undefined;
    }

    public dispose(): void {
        this._observers.forEach((observer) => observer.remove());
        this._release();
    }
}
