/**
 * What the composite shows each frame: the pipeline's latest result, unless stylization is off or stopped, and never a
 * result of another view. A camera that was not drawn for a while (another one was active) or that cut to another
 * view (see CameraCutDetector) drops its result; the original frame shows until the next one lands.
 */
import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import { CameraCutDetector } from "../capture/cameraCut.js";
import type { FramePipeline } from "../pipeline/framePipeline.js";
import type { StylizationPostProcess } from "./stylizationPostProcess.js";
import type { TemporalFilter } from "../temporal/temporalFilter.js";
import type { SelectionMask } from "./selectionMask.js";

export class CompositeFeed {
    private readonly _cuts: CameraCutDetector;
    /** The engine frame in which the composite last ran. */
    private _drawnAt = -1;

    public constructor(
        camera: Camera,
        private readonly _postProcess: StylizationPostProcess,
        /** The pipeline now (a device loss replaces it). */
        private readonly _pipeline: () => FramePipeline,
        /** Whether stylization is on. */
        private readonly _enabled: () => boolean,
        /** Warps the shown result to the camera now and stabilizes it. */
        private readonly _temporal: TemporalFilter,
        /** What is left out of the stylization. */
        private readonly _selection: SelectionMask
    ) {
        this._cuts = new CameraCutDetector(camera);
        _postProcess.onApplyObservable.add(() => this._feed());
    }

    /** Whether the camera was drawn in the current engine frame: only then is its post process's input its view. */
    public get drawnThisFrame(): boolean {
        return this._drawnAt === this._postProcess.getEngine().frameId;
    }

    private _feed(): void {
        const pipeline = this._pipeline();
        const frame = this._postProcess.getEngine().frameId;
        if (this._cuts.check() || frame > this._drawnAt + 1) {
            pipeline.clearResult();
        }
        this._drawnAt = frame;
        const composite = this._postProcess.composite;
        try {
            composite.stylized = this._enabled() && pipeline.phase !== "stopped" ? pipeline.texture : undefined;
            composite.temporal = composite.stylized ? this._temporal.outputFor(frame) : undefined;
            // Left out means left out: without this frame's mask (a resize, the shader compiling) the original shows.
            composite.mask = this._selection.active ? this._selection.maskFor(frame) : undefined;
            composite.stylized = this._selection.active && !composite.mask ? undefined : composite.stylized;
        } catch (error) {
            composite.stylized = composite.temporal = composite.mask = undefined;
            pipeline.fail("composite", error);
        }
    }
}
