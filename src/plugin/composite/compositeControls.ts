/**
 * How a stylization's composite draws, as the handle exposes it: blend, view, split, how results follow the camera and
 * what is left out of the stylization. The handle (`Stylization`) extends it; every setter checks its value first.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import {
    checkBoolean,
    checkDepthRange,
    checkExclusion,
    checkPlacement,
    checkTemporal,
    checkUnit,
    checkView,
    type DepthRange,
    type ResolvedDepthRange,
    type ResolvedStylizationOptions,
    type StylizationExclusion,
    type StylizationPlacement,
    type StylizationView,
    type TemporalOptions,
} from "../options.js";
import { TemporalFilter, type ShownResult } from "../temporal/temporalFilter.js";
import { GuideMapSource } from "../capture/guideMaps.js";
import { ForegroundLayers } from "./foregroundLayers.js";
import { ChainPlacement } from "./chainPlacement.js";
import { SelectionMask } from "./selectionMask.js";
import { StylizationPostProcess } from "./stylizationPostProcess.js";

export abstract class CompositeControls {
    protected readonly _postProcess: StylizationPostProcess;
    protected readonly _temporal: TemporalFilter;
    protected readonly _selection: SelectionMask;
    private readonly _layers: ForegroundLayers;
    protected readonly _placement: ChainPlacement;
    /** The maps a guided model's guides are captured from (the geometry pass the temporal filter and mask share). */
    protected readonly _guideMaps: GuideMapSource;

    /**
     * @param shown the result the composite would show now, if any
     * @param onPassError a temporal or selection pass failed inside a frame (it turned itself off)
     * @param onMappingChange how the captured frame is displayed changed (see ChainPlacement)
     */
    protected constructor(
        scene: Scene,
        options: ResolvedStylizationOptions,
        shown: () => ShownResult | undefined,
        onPassError: (what: string, error: unknown) => void,
        onMappingChange: () => void
    ) {
        const camera = options.camera;
        this._postProcess = new StylizationPostProcess("stylization", camera);
        Object.assign(this._postProcess.composite, { blend: options.blend, view: options.view, splitPosition: options.splitPosition });
        this._temporal = new TemporalFilter(scene, camera, options.temporal, shown, (error) => onPassError("temporal pass", error));
        this._selection = new SelectionMask(scene, camera, options.exclude, options.depthRange, (error) => onPassError("selection mask", error));
        this._layers = new ForegroundLayers(scene, camera, options.stylizeLayers);
        this._placement = new ChainPlacement(scene, camera, this._postProcess, options.placement, onMappingChange);
        this._guideMaps = new GuideMapSource(scene, camera);
        this._pauseScenePasses(!options.enabled);
    }

    /**
     * Paused (stylization off), the scene passes (the geometry pass the temporal filter, the selection mask and guides
     * share, and the excluded meshes' depth) stop rendering: what is off costs the frame only the composite's copy.
     */
    protected _pauseScenePasses(paused: boolean): void {
        this._temporal.paused = paused;
        this._selection.paused = paused;
        this._guideMaps.paused = paused;
    }

    /** Where the stylization sits among the camera's post processes (see `StylizationOptions.placement`). */
    public get placement(): StylizationPlacement {
        return this._placement.placement;
    }
    public set placement(value: StylizationPlacement) {
        this._placement.placement = checkPlacement(value);
    }

    /**
     * Whether the camera's foreground layers (a Babylon GUI fullscreen UI, a HUD `Layer`) are stylized with the scene.
     * False (the default): they are drawn after the stylization, crisp.
     */
    public get stylizeLayers(): boolean {
        return this._layers.stylize;
    }
    public set stylizeLayers(value: boolean) {
        this._layers.stylize = checkBoolean("stylizeLayers", value);
    }

    /**
     * Meshes left out of the stylization (a predicate, a list of meshes or a layer mask; null for none): where one is
     * the visible surface the original frame shows. See `StylizationOptions.exclude`.
     */
    public get exclude(): StylizationExclusion | null {
        return this._selection.exclude;
    }
    public set exclude(value: StylizationExclusion | null) {
        this._selection.exclude = checkExclusion(value);
    }

    /** The view distances that are stylized, with their falloff (null: all of them). See `StylizationOptions.depthRange`. */
    public get depthRange(): ResolvedDepthRange | null {
        return this._selection.depthRange;
    }
    public set depthRange(value: DepthRange | null) {
        this._selection.depthRange = checkDepthRange(value);
    }

    /** Blend between the original (0) and stylized (1) frame. */
    public get blend(): number {
        return this._postProcess.composite.blend;
    }
    public set blend(value: number) {
        this._postProcess.composite.blend = checkUnit("blend", value);
    }

    public get view(): StylizationView {
        return this._postProcess.composite.view;
    }
    public set view(value: StylizationView) {
        this._postProcess.composite.view = checkView(value);
    }

    /** Divider position of the split view, 0..1 from the left. */
    public get splitPosition(): number {
        return this._postProcess.composite.splitPosition;
    }
    public set splitPosition(value: number) {
        this._postProcess.composite.splitPosition = checkUnit("splitPosition", value);
    }

    /** How the stylized image follows the camera and holds still; assign fields to change them live (`{ history: 0.8 }`). */
    public get temporal(): Readonly<Required<TemporalOptions>> {
        return this._temporal.settings;
    }
    public set temporal(value: TemporalOptions) {
        this._temporal.settings = checkTemporal(value, this._temporal.settings);
    }

    /**
     * The share (0..1) of the last frame where the stylized image could follow the camera; the rest shows the original
     * frame (surfaces hidden or off-screen when the result was captured). Undefined while the temporal pass is idle.
     * Reads the GPU back asynchronously: for inspection, not for every frame.
     */
    public readTemporalValidShare(): Promise<number | undefined> {
        return this._temporal.readValidShare();
    }

    /** The composite post process (for ordering with other post processes or the Babylon Inspector). */
    public get postProcess(): StylizationPostProcess {
        return this._postProcess;
    }

    /** Removes the composite from `camera` and frees what the composite side holds; the layers are drawn as before. */
    protected _disposeComposite(camera: Camera): void {
        this._placement.dispose();
        this._postProcess.dispose(camera);
        this._temporal.dispose();
        this._selection.dispose();
        this._guideMaps.dispose();
        this._layers.dispose();
    }
}
