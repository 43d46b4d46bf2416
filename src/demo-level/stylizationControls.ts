/**
 * What the stylization keys do: turn it on and off, cycle the shipped models, the view modes and the inference-size
 * presets. Always acts on `scene.stylization` (the plugin's current handle), so it stays right whoever replaced it.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import {
    StylizationViews,
    type ExecutionProviderOption,
    type ModelLoadProgress,
    type Stylization,
    type StylizationError,
    type StylizationOptions,
} from "../plugin/index.js";
import { InferenceHeightPresets, type ModelEntry } from "./modelManifest.js";

export interface StylizationControlsOptions {
    models: ModelEntry[];
    /** Index into `models` of the model to start with. */
    modelIndex: number;
    executionProvider: ExecutionProviderOption;
    targetHeight: number;
    /** The plugin options the page's URL sets (temporal, targetFps, stylizeLayers, exclude, depthRange, placement). */
    fromUrl: Pick<StylizationOptions, "temporal" | "targetFps" | "stylizeLayers" | "exclude" | "depthRange" | "placement">;
    /** Called whenever the handle, the model, the view or the size changed (the HUD and `window.demo` follow). */
    onChange: (stylization: Stylization | null) => void;
    /** Short text for the user (a notice). */
    onNotice: (text: string) => void;
    onError: (error: StylizationError) => void;
}

export class StylizationControls {
    private _modelIndex: number;
    private _targetHeight: number;
    private _busy: string | null = null;

    public constructor(
        private readonly _scene: Scene,
        private readonly _options: StylizationControlsOptions
    ) {
        this._modelIndex = _options.modelIndex;
        this._targetHeight = _options.targetHeight;
    }

    public get stylization(): Stylization | null {
        return this._scene.stylization;
    }

    public get model(): ModelEntry {
        return this._options.models[this._modelIndex];
    }

    /** A model load in progress ("loading ink wash…"), for the HUD. */
    public get busy(): string | null {
        return this._busy;
    }

    /**
     * Enables stylization with the current model. Rejects with the plugin's typed error; the scene keeps rendering.
     */
    public async enable(onProgress?: (progress: ModelLoadProgress) => void): Promise<Stylization> {
        this._busy = `loading ${this.model.label}…`;
        try {
            const stylization = await this._scene.enableStylization(this.model.url, {
                executionProvider: this._options.executionProvider,
                targetHeight: this._targetHeight,
                ...this._options.fromUrl,
                onProgress,
            });
            return stylization;
        } finally {
            this._busy = null;
            this._options.onChange(this.stylization);
        }
    }

    /** T: on/off. With no stylization yet (`?stylize=0` or a failed start), turns it on. */
    public toggle(): void {
        const st = this.stylization;
        if (!st) {
            this.enable().catch((error: StylizationError) => this._options.onError(error));
            return;
        }
        st.enabled = !st.enabled;
        this._options.onNotice(`stylization ${st.enabled ? "on" : "off"}`);
        this._options.onChange(st);
    }

    /** M: the next model (hot swap: the current one keeps stylizing until the next is ready). */
    public nextModel(): void {
        if (this._options.models.length < 2) {
            this._options.onNotice(`${this.model.label} is the only model shipped (add more to modelManifest.ts)`);
            return;
        }
        this.selectModel((this._modelIndex + 1) % this._options.models.length).catch(() => undefined); // reported by onError
    }

    /** Swaps in `models[index]` (the inspector panel's model list comes here too, so the HUD follows). */
    public async selectModel(index: number): Promise<void> {
        this._modelIndex = index;
        const st = this.stylization;
        if (!st) {
            this.toggle();
            return;
        }
        this._busy = `loading ${this.model.label}…`;
        this._options.onChange(st);
        try {
            await st.setModel(this.model.url);
            this._options.onNotice(`model: ${this.model.label}`);
        } catch (error) {
            this._options.onError(error as StylizationError);
            throw error;
        } finally {
            this._busy = null;
            this._options.onChange(this.stylization);
        }
    }

    /** The models the demo offers. */
    public get models(): readonly ModelEntry[] {
        return this._options.models;
    }

    /** V: stylized, original, split, difference. */
    public nextView(): void {
        const st = this.stylization;
        if (!st) {
            return;
        }
        st.view = StylizationViews[(StylizationViews.indexOf(st.view) + 1) % StylizationViews.length];
        this._options.onNotice(`view: ${st.view}`);
        this._options.onChange(st);
    }

    /** R: the next lower inference-height preset, wrapping to the highest. */
    public nextResolution(): void {
        const lower = InferenceHeightPresets.find((h) => h < this._targetHeight);
        this._targetHeight = lower ?? InferenceHeightPresets[0];
        const st = this.stylization;
        if (st) {
            st.targetHeight = this._targetHeight;
        }
        this._options.onNotice(`inference height ${this._targetHeight}`);
        this._options.onChange(st);
    }
}
