/**
 * How the shown result follows the camera and stays stable over time. A geometry pass (geometryPass.ts) renders the
 * camera's view-space depth and screen motion each frame; at every capture the depth is copied aside with the camera's
 * matrices, so when that capture's result is shown the temporal pass (temporalPass.ts) knows where each surface was
 * then: it warps the result to the current camera (reprojection) and blends it with the last frame's output warped the
 * same way (the stabilizer). Objects that move by themselves are followed too: each capture's motion chain
 * (motionChains.ts) sums its surfaces' own motion frame by frame. It runs once per frame, after the camera's render
 * targets and before its post processes; the composite then shows its output instead of the result as captured.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import { Matrix } from "@babylonjs/core/Maths/math.vector.pure.js";
import type { BaseTexture } from "@babylonjs/core/Materials/Textures/baseTexture.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { RenderTargetWrapper } from "@babylonjs/core/Engines/renderTargetWrapper.js";
import type { TemporalOptions } from "../options.js";
import type { ChainStep } from "./motionChains.js";
import { acquireGeometryPass, releaseGeometryPass, type GeometryPass } from "./geometryPass.js";
import { acquireKit, releaseKit, type TemporalKit } from "./temporalKit.js";
import type { TemporalInput } from "./temporalPass.js";
import { readValidShare } from "./validShare.js";
import { afterCameraTargets } from "../gpu/afterCameraTargets.js";

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

export class TemporalFilter {
    private _reproject: boolean;
    private _history: number;
    private _paused = false;
    private _kit: TemporalKit | undefined;
    private _geometry: GeometryPass | undefined;
    private readonly _records = new Map<number, CaptureRecord>();
    /** The last frame the pass ran in, with its camera: the history's. */
    private _last: { frameId: number; view: Matrix; viewProjection: Matrix } | undefined;
    /** The camera of the last frame (pass or not), for objects' own motion; the frame the kit started in. */
    private readonly _lastCamera = { frameId: -1, viewProjection: new Matrix() };
    private _since = 0;
    private _output: { frameId: number; texture: InternalTexture } | undefined;
    private readonly _stopRunning: () => void;
    private readonly _m = {
        inverseView: new Matrix(),
        inverseProjection: new Matrix(),
        clip: new Matrix(),
        view: new Matrix(),
        history: new Matrix(),
        last: new Matrix(),
    };

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
        this._stopRunning = afterCameraTargets(_scene, _camera, () => this._guard(() => this._run()));
    }

    public get settings(): Required<TemporalOptions> {
        return { reproject: this._reproject, history: this._history };
    }
    public set settings(value: Required<TemporalOptions>) {
        [this._reproject, this._history] = [value.reproject, value.history];
        this._update();
    }

    /** While true (stylization off), nothing runs or is held, whatever the settings; they apply again after. */
    public set paused(value: boolean) {
        this._paused = value;
        this._update();
    }

    /** The geometry pass runs only while something needs it; turned off, everything it kept goes. */
    private _update(): void {
        const needed = !this._paused && (this._reproject || this._history > 0);
        if (needed === !!this._kit) {
            return;
        }
        if (needed) {
            this._kit = acquireKit(this._scene, this._camera);
            this._geometry = acquireGeometryPass(this._scene, this._camera);
            this._since = this._scene.getEngine().frameId;
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
        const [kit, geometry] = [this._kit, this._geometry];
        const source = geometry?.depth;
        if (!kit || !geometry || !source || !kit.copy.isReady() || !geometry.settled) {
            return; // off, the copy shader is still compiling, or the pass has not drawn every mesh yet
        }
        if (!geometry.fitsRenderSize()) {
            return; // the canvas changed: this frame's depth is stale, the next one is right
        }
        const [width, height] = [source.width, source.height];
        const target = kit.copy.copy(source, this._reuse(frameId, width, height));
        kit.chains.start(frameId, width, height);
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
        this._kit?.chains.drop(which);
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

    /**
     * The share of the last frame where the stylized image could be carried to the camera (see validShare.ts);
     * undefined when the pass did not run in the last two frames (off, no result, or nothing to warp: all of it is valid).
     */
    public async readValidShare(): Promise<number | undefined> {
        const target = this._kit?.pass.lastTarget;
        if (!target || !this._output || this._output.frameId < this._scene.getEngine().frameId - 2) {
            return undefined;
        }
        return (await readValidShare(this._scene.getEngine(), target)) ?? undefined;
    }

    /** Runs the pass for the frame being drawn (once this camera's render targets are done), when a result shows. */
    private _run(): void {
        const kit = this._kit;
        if (!kit) {
            return; // off
        }
        const frameId = this._scene.getEngine().frameId;
        const camera = this._camera;
        const m = this._m;
        camera.getViewMatrix().invertToRef(m.inverseView);
        camera.getProjectionMatrix().invertToRef(m.inverseProjection);
        const step = this._motionStep(frameId);
        if (step && kit.chains.isReady()) {
            kit.chains.advance(step);
        } else {
            kit.chains.drop(() => true);
        }
        this._runPass(kit, step);
        this._lastCamera.frameId = frameId;
        this._lastCamera.viewProjection.copyFrom(camera.getTransformationMatrix());
    }

    /**
     * This frame's geometry and camera for objects' own motion, when it can be followed: the geometry pass's velocity
     * spans one frame, so it needs last frame's camera, and two frames of the pass (before, meshes have no last matrices).
     */
    private _motionStep(frameId: number): ChainStep | undefined {
        const [depth, velocity] = [this._geometry?.depth, this._geometry?.velocity];
        if (!this._reproject || !depth || !velocity || this._lastCamera.frameId !== frameId - 1 || frameId - this._since < 2) {
            return undefined;
        }
        const m = this._m;
        m.inverseView.multiplyToRef(this._lastCamera.viewProjection, m.last);
        return { frameId, depth, velocity, inverseProjection: m.inverseProjection, toLastClip: m.last };
    }

    private _runPass(kit: TemporalKit, step: ChainStep | undefined): void {
        const shown = this._shown();
        const currentDepth = this._geometry?.depth;
        const engine = this._scene.getEngine();
        const frameId = engine.frameId;
        const pass = kit.pass;
        if (!shown || !currentDepth || !pass.isReady()) {
            this._last = shown ? this._last : undefined; // no result: the history ends
            return;
        }
        this._drop((id) => id < shown.frameId); // older than the shown result: never needed again
        const input = this._input(shown, currentDepth);
        if (!input.resultWarp && this._history === 0) {
            this._last = undefined;
            return; // nothing to test, warp or blend: the composite shows the result as it is, bit for bit
        }
        if (step) {
            input.motion = { velocity: step.velocity, toLastClip: step.toLastClip, chain: kit.chains.sumFor(shown.frameId, frameId) };
        }
        if (this._last?.frameId !== frameId - 1) {
            input.history = { weight: 0 }; // the last frame had no output: no history to blend
        }
        const { output } = pass.render(input, engine.getRenderWidth(), engine.getRenderHeight());
        this._output = { frameId, texture: output };
        const camera = this._camera;
        this._last = { frameId, view: camera.getViewMatrix().clone(), viewProjection: camera.getTransformationMatrix().clone() };
    }

    /** The pass's input (motion aside): the result's depth test and warp, the history's warp since the last frame. */
    private _input(shown: ShownResult, currentDepth: InternalTexture): TemporalInput {
        const camera = this._camera;
        const view = camera.getViewMatrix();
        const viewProjection = camera.getTransformationMatrix();
        const m = this._m;
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
        if (this._reproject && record) {
            m.inverseView.multiplyToRef(record.viewProjection, m.clip);
            m.inverseView.multiplyToRef(record.view, m.view);
            input.resultWarp = {
                depth: record.depth.texture!,
                depthSize: { width: record.depth.width, height: record.depth.height },
                toClip: m.clip,
                toView: m.view,
                moved: !(view.equals(record.view) && viewProjection.equals(record.viewProjection)),
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
        if (this._kit) {
            releaseKit(this._camera, this._kit);
        }
        if (this._geometry) {
            releaseGeometryPass(this._camera, this._geometry);
        }
        this._kit = this._geometry = undefined;
        this._last = this._output = undefined;
    }

    public dispose(): void {
        this._stopRunning();
        this._release();
    }
}
