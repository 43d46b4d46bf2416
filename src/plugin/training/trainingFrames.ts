/**
 * Training frames from any scene: `captureTrainingFrames(scene, options)` records the unstylized frames a stylization
 * of the camera would see, through the plugin's own capture pass (the frame resampled to the chosen size as the engine
 * resamples it for the network; depth and normals from the same geometry pass the guides read), and hands them back as files
 * the training recipe reads (see trainingFiles.ts).
 *
 * Where the frame is taken: with a stylization on the camera, its input (wherever its placement puts it, the HUD left
 * out, mapped for display as the stylization maps it); otherwise a pass-through post process appended to the camera's
 * chain while recording, with the camera's foreground layers (a Babylon GUI) drawn after it, as a stylization would.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import { Camera } from "@babylonjs/core/Cameras/camera.pure.js";
import type { Observer } from "@babylonjs/core/Misc/observable.js";
import type { PostProcess } from "@babylonjs/core/PostProcesses/postProcess.js";
import { PassPostProcess } from "@babylonjs/core/PostProcesses/passPostProcess.pure.js";
import { createFrameCapture } from "../capture/createFrameCapture.js";
import type { FrameCapture } from "../capture/frameCapture.js";
import { checkInferenceSize, inferenceLimits, inferenceSize } from "../capture/inferenceSize.js";
import { ForegroundLayers } from "../composite/foregroundLayers.js";
import type { StylizationPostProcess } from "../composite/stylizationPostProcess.js";
import { postprocessTensor } from "../contract/cpuReference.js";
import { DisplayMapping, FrameMappingMode, type FrameMapping } from "../contract/frameMapping.js";
import { packParams } from "../contract/shaderParams.js";
import { guideChannels, type GuideSpec } from "../contract/guides.js";
import { derivePreprocessParams, resolvePreprocessConfig, ResizeFilters, type PreprocessParams, type ResizeFilter } from "../contract/preprocessConfig.js";
import { InferenceError, StylizationError, StylizationOptionsError } from "../errors.js";
import { acquireGeometryPass, releaseGeometryPass, type GeometryPass } from "../temporal/geometryPass.js";
import { DepthLimit, encodeGuidePngs, encodeRgbPng, ImageDescription, TrainingFrameSet, type CameraPose, type TrainingFrame, type TrainingManifest } from "./trainingFiles.js";

export type TrainingGuide = "depth" | "normal";

export interface TrainingCaptureOptions {
    /** Frames to record. @defaultValue 100 */
    count?: number;
    /** Rendered frames from one recorded frame to the next (1: every frame). @defaultValue 1 */
    every?: number;
    /**
     * Frame size: a height (the width follows the render's aspect ratio, both multiples of 8, as `targetHeight`
     * chooses the inference size) or an exact `{ width, height }`. @defaultValue the render size
     */
    size?: number | { width: number; height: number };
    /**
     * `"depth"` also records each frame's view distance (`depthPng`), `"normal"` its view-space normals (`normalPng`),
     * for a guided generator. @defaultValue []
     */
    guides?: readonly TrainingGuide[];
    /** @defaultValue the scene's active camera */
    camera?: Camera;
    /** Resampling from the frame to `size`. @defaultValue the camera's stylization's, else "bilinear" */
    resize?: ResizeFilter;
    /** Called before frame `index` is recorded (e.g. to put the camera somewhere); the next frame rendered after it settles is recorded. */
    prepare?: (index: number) => unknown;
    /** Each frame, in order, once encoded (e.g. to save it and let it go). */
    onFrame?: (frame: TrainingFrame) => unknown;
    /** Stops the recording: the promise rejects with the signal's reason. */
    signal?: AbortSignal;
    /** Rejects when the scene renders no frame for this long (its render loop stopped). @defaultValue 10000 */
    stallMs?: number;
}

/**
 * Records `count` frames of the scene, one every `every` rendered frames, while the game goes on rendering.
 * @throws StylizationOptionsError for options it cannot follow (before anything is attached to the scene)
 */
export async function captureTrainingFrames(scene: Scene, options: TrainingCaptureOptions = {}): Promise<TrainingFrameSet> {
    const recorder = new TrainingFrameRecorder(scene, options);
    try {
        return await recorder.record();
    } finally {
        recorder.dispose();
    }
}

interface Taken {
    read: Promise<Float32Array | null>;
    width: number;
    height: number;
    frameId: number;
    at: number;
    camera: CameraPose;
}

class TrainingFrameRecorder {
    private readonly _camera: Camera;
    private readonly _count: number;
    private readonly _every: number;
    private readonly _params: PreprocessParams;
    private readonly _source: PostProcess;
    private readonly _ownPass: PassPostProcess | undefined;
    /** The camera's stylization's composite, when the frame is its input. */
    private readonly _stylizationPass: StylizationPostProcess | undefined;
    private readonly _layers: ForegroundLayers | undefined;
    private readonly _geometry: GeometryPass | undefined;
    /** What the capture writes after RGB (the depth packed over 0..DepthLimit); undefined without guides. */
    private readonly _guides: GuideSpec | undefined;
    private readonly _capture: FrameCapture;
    private readonly _observers: Array<{ remove(): void }> = [];
    private _drawn = false;
    private _reading = 0;
    private _shape = "";
    /** Rejects the wait in progress (a frame to take, frames to let pass). */
    private _fail: ((error: unknown) => void) | undefined;
    private _failure: unknown;
    private _stallTimer: ReturnType<typeof setTimeout> | undefined;

    public constructor(
        private readonly _scene: Scene,
        private readonly _options: TrainingCaptureOptions
    ) {
        const o = _options;
        this._count = checkCount("count", o.count ?? 100);
        this._every = checkCount("every", o.every ?? 1);
        const camera = o.camera ?? _scene.activeCamera;
        if (!(camera instanceof Camera) || camera.getScene() !== _scene) {
            throw new StylizationOptionsError(o.camera ? "captureTrainingFrames: options.camera is not a camera of this scene" : "captureTrainingFrames: the scene has no active camera; pass options.camera");
        }
        this._camera = camera;
        const guides = o.guides ?? [];
        if (!Array.isArray(guides) || guides.some((g, i) => (g !== "depth" && g !== "normal") || guides.indexOf(g) !== i)) {
            throw new StylizationOptionsError(`captureTrainingFrames: guides is ${JSON.stringify(guides)}; it records "depth" and "normal", each once ([] for none)`);
        }
        const normal = guides.includes("normal");
        this._guides = guides.length
            ? { order: [...guides], depth: guides.includes("depth") ? { near: 0, far: DepthLimit } : undefined, normal: normal ? { space: "view" } : undefined }
            : undefined;
        if (o.resize !== undefined && !ResizeFilters.includes(o.resize)) {
            throw new StylizationOptionsError(`captureTrainingFrames: resize is ${JSON.stringify(o.resize)}; expected one of ${ResizeFilters.join(", ")}`);
        }
        for (const name of ["prepare", "onFrame"] as const) {
            if (o[name] !== undefined && typeof o[name] !== "function") {
                throw new StylizationOptionsError(`captureTrainingFrames: ${name} must be a function`);
            }
        }
        this._size(); // checks the size option
        o.signal?.throwIfAborted();
        const stylization = _scene._stylizations?.get(camera);
        // The frame as the stylization sees it, or as one appended to the chain would.
        this._params = derivePreprocessParams(
            resolvePreprocessConfig({
                inputRange: "[0,1]",
                outputRange: "[0,1]",
                channelOrder: "RGB",
                colorSpace: "sRGB",
                flipY: false,
                frameColorSpace: stylization?.preprocess.frameColorSpace ?? "sRGB",
                resize: o.resize ?? stylization?.preprocess.resize ?? "bilinear",
            })
        );
        const engine = _scene.getEngine();
        const fail = (message: string) => () => this._abort(new StylizationError(`captureTrainingFrames: ${message}`));
        if (stylization) {
            this._source = this._stylizationPass = stylization.postProcess;
            this._observers.push(stylization.onDisposeObservable.add(fail("the camera's stylization was disabled while recording; record again")));
        } else {
            this._ownPass = new PassPostProcess("trainingFrames", 1, camera, undefined, engine);
            this._source = this._ownPass;
            this._layers = new ForegroundLayers(_scene, camera, false);
        }
        this._geometry = guides.length ? acquireGeometryPass(_scene, camera, normal) : undefined;
        this._capture = createFrameCapture(engine);
        this._observers.push(
            this._source.onApplyObservable.add(() => (this._drawn = true)),
            _scene.onBeforeRenderObservable.add(() => (this._drawn = false)),
            _scene.onDisposeObservable.add(fail("the scene was disposed while recording")),
            camera.onDisposeObservable.add(fail("the camera was disposed while recording")),
            _scene.onAfterRenderObservable.add(() => this._watchStall())
        );
        if (o.signal) {
            const onAbort = () => this._abort(o.signal!.reason);
            o.signal.addEventListener("abort", onAbort, { once: true });
            this._observers.push({ remove: () => o.signal!.removeEventListener("abort", onAbort) });
        }
        this._watchStall();
    }

    private get _mapping(): FrameMapping {
        return this._stylizationPass?.composite.mapping ?? DisplayMapping;
    }

    /** The size frames are taken at now (the render size may change while recording). */
    private _size(): { width: number; height: number } {
        const engine = this._scene.getEngine();
        const [renderWidth, renderHeight] = [engine.getRenderWidth(), engine.getRenderHeight()];
        const size = this._options.size;
        let chosen: { width: number; height: number };
        if (size === undefined) {
            chosen = { width: renderWidth, height: renderHeight };
        } else if (typeof size === "number") {
            if (!Number.isFinite(size) || size < 8) {
                throw new StylizationOptionsError(`captureTrainingFrames: size is ${size}; a height of at least 8 pixels, or { width, height }`);
            }
            chosen = inferenceSize(renderWidth, renderHeight, size);
        } else {
            chosen = { width: size?.width, height: size?.height };
        }
        checkInferenceSize(chosen, inferenceLimits(engine), () => "captureTrainingFrames");
        return chosen;
    }

    public async record(): Promise<TrainingFrameSet> {
        const frames: TrainingFrame[] = [];
        let started: number | undefined;
        let handed: Promise<void> = Promise.resolve();
        for (let index = 0; index < this._count; index++) {
            if (index > 0) {
                await this._frames(this._every - 1);
            }
            if (this._options.prepare) {
                await this._options.prepare(index);
                this._rethrow();
            }
            const taken = await this._take();
            started ??= taken.at;
            // Frames are read back and encoded while the next ones are taken; they are handed over in order, and a
            // failure (a lost context, a throwing onFrame) stops the recording.
            const frame = this._finish(taken, index, taken.at - started);
            frame.catch(() => undefined); // handled in order below
            handed = handed.then(async () => {
                if (this._failure !== undefined) {
                    return;
                }
                try {
                    const done = await frame;
                    frames.push(done);
                    await this._options.onFrame?.(done);
                } catch (error) {
                    this._abort(error);
                }
            });
        }
        await handed;
        this._rethrow();
        const first = frames[0];
        const manifest: TrainingManifest = {
            engine: this._scene.getEngine().isWebGPU ? "webgpu" : "webgl",
            width: first.width,
            height: first.height,
            stylized: false,
            image: ImageDescription,
            resize: this._params.nearest ? "nearest" : "bilinear",
            mapping: { mode: FrameMappingMode[this._mapping.mode].toLowerCase(), exposure: this._mapping.exposure },
            guides: this._guides?.order ?? [],
            every: this._every,
            frames: frames.map(({ file, frameId, time, camera }) => ({ file, frameId, time, camera })),
        };
        return new TrainingFrameSet(frames, manifest);
    }

    /** Lets `count` rendered frames pass. */
    private _frames(count: number): Promise<void> {
        if (count <= 0) {
            return Promise.resolve();
        }
        let left = count;
        return this._wait<void>((done) => (--left <= 0 ? (done(), true) : false));
    }

    /** The next rendered frame that can be taken, taken: its capture dispatched and its read started. */
    private _take(): Promise<Taken> {
        return this._wait<Taken>((done) => {
            const taken = this._tryTake();
            if (taken) {
                done(taken);
            }
            return !!taken;
        });
    }

    /** Runs `step` after each rendered frame until it returns true; rejects on a failure meanwhile. */
    private _wait<T>(step: (done: (value: T) => void) => boolean): Promise<T> {
        this._rethrow();
        return new Promise<T>((resolve, reject) => {
            let observer: Observer<Scene> | null = null;
            const finish = () => {
                observer?.remove();
                this._fail = undefined;
            };
            this._fail = (error) => {
                finish();
                reject(error);
            };
            observer = this._scene.onAfterRenderObservable.add(() => {
                try {
                    step((value) => {
                        finish();
                        resolve(value);
                    });
                } catch (error) {
                    this._fail?.(error);
                }
            });
        });
    }

    private _tryTake(): Taken | undefined {
        const frame = this._drawn ? this._source.inputTexture?.texture : undefined;
        const geometry = this._geometry;
        const maps = geometry?.fitsRenderSize() && geometry.settled ? { depth: geometry.depth, normal: geometry.normal } : undefined;
        if (!frame || (geometry && !maps) || this._reading >= this._capture.slots) {
            return undefined; // not drawn this frame, the guides not rendered with every mesh yet, or every readback slot busy
        }
        const { width, height } = this._size();
        const channels = 3 + guideChannels(this._guides);
        const mapping = this._mapping;
        const shape = `${width}x${height}x${channels} ${mapping.mode} ${mapping.exposure}`;
        if (shape !== this._shape) {
            this._capture.configure(width, height, packParams(this._params, width, height, mapping, this._guides), channels);
            this._shape = shape;
        }
        if (!this._capture.dispatch(frame, maps)) {
            return undefined; // the capture shader is compiling
        }
        this._reading++;
        const read = this._capture.read(new Float32Array(width * height * channels));
        read.then(
            () => this._reading--,
            () => this._reading--
        );
        return { read, width, height, frameId: this._scene.getEngine().frameId, at: performance.now(), camera: cameraPose(this._camera) };
    }

    private async _finish(taken: Taken, index: number, time: number): Promise<TrainingFrame> {
        const tensor = await taken.read;
        if (!tensor) {
            throw new InferenceError("captureTrainingFrames: the GPU context was lost while a frame was read back; recording stopped");
        }
        const { width, height } = taken;
        const file = `${String(index).padStart(5, "0")}.png`;
        const png = await encodeRgbPng(postprocessTensor(tensor, width, height, this._params), width, height);
        const guides = this._guides ? await encodeGuidePngs(tensor, width, height, this._guides.order) : {};
        return { index, file, png, ...guides, width, height, frameId: taken.frameId, time: Math.round(time * 10) / 10, camera: taken.camera };
    }

    /** Fails the recording when no frame renders for `stallMs` (the game's loop stopped). */
    private _watchStall(): void {
        clearTimeout(this._stallTimer);
        const ms = this._options.stallMs ?? 10_000;
        this._stallTimer = setTimeout(
            () => this._abort(new StylizationError(`captureTrainingFrames: the scene rendered no frame for ${ms} ms; is its render loop running?`)),
            ms
        );
    }

    private _abort(error: unknown): void {
        this._failure ??= error;
        this._fail?.(error);
    }

    private _rethrow(): void {
        if (this._failure !== undefined) {
            throw this._failure;
        }
    }

    public dispose(): void {
        clearTimeout(this._stallTimer);
        this._fail?.(new StylizationError("captureTrainingFrames: recording ended"));
        this._observers.forEach((o) => o.remove());
        this._ownPass?.dispose(this._camera);
        this._layers?.dispose();
        if (this._geometry) {
            releaseGeometryPass(this._camera, this._geometry, !!this._guides?.normal);
        }
        this._capture.dispose();
    }
}

function checkCount(name: string, value: number): number {
    if (!Number.isInteger(value) || value < 1) {
        throw new StylizationOptionsError(`captureTrainingFrames: ${name} is ${JSON.stringify(value)}; expected a whole number >= 1`);
    }
    return value;
}

/** Where the camera is and looks (the view matrix's third column is the viewing direction in the world). */
function cameraPose(camera: Camera): CameraPose {
    const m = camera.getViewMatrix().m;
    const round = (v: number) => Math.round(v * 1e4) / 1e4;
    return {
        position: camera.globalPosition.asArray().map(round),
        forward: [m[2], m[6], m[10]].map(round),
        up: [m[1], m[5], m[9]].map(round),
        fov: camera.mode === Camera.ORTHOGRAPHIC_CAMERA ? 0 : round(camera.fov),
    };
}
