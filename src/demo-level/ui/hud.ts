/** The HUD: engine and fps, then provider, inference size and time, model and view. Refreshed twice a second. */
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import type { Scene } from "@babylonjs/core/scene.js";
import type { LevelDirector } from "../controls/levelDirector.js";
import type { StylizationControls } from "../stylizationControls.js";
import type { Overlay } from "./overlay.js";

export class Hud {
    private _frames = 0;
    private _last = performance.now();
    private _fps = 0;
    private _controls: StylizationControls | null = null;
    private _director: LevelDirector | null = null;

    public constructor(
        private readonly _engine: AbstractEngine,
        private readonly _overlay: Overlay
    ) {}

    /** Frames per second measured over the last half second. */
    public get fps(): number {
        return this._fps;
    }

    public attach(scene: Scene, controls: StylizationControls, director: LevelDirector | null): void {
        this._controls = controls;
        this._director = director;
        scene.onAfterRenderObservable.add(() => {
            this._frames++;
            const now = performance.now();
            if (now - this._last >= 500) {
                this._fps = (1000 * this._frames) / (now - this._last);
                this._frames = 0;
                this._last = now;
                this.refresh();
            }
        });
    }

    public refresh(): void {
        const controls = this._controls;
        if (!controls) {
            return;
        }
        const lines = [`${this._engine.isWebGPU ? "WebGPU" : "WebGL2"} · ${this._fps.toFixed(0)} fps${this._director ? ` · ${this._describeCamera()}` : ""}`];
        const st = controls.stylization;
        if (controls.busy) {
            lines.push(controls.busy);
        }
        if (!st) {
            lines.push("stylization off (T)");
        } else if (!st.model) {
            lines.push(`stylization: no model${st.lastError ? ` (${st.lastError.name})` : ""}`);
        } else {
            const s = st.stats;
            lines.push(
                `${controls.model.label} · ${s.executionProvider ?? "…"}${s.zeroCopy ? " zero-copy" : ""} · ${s.inferenceWidth}x${s.inferenceHeight} · ${s.lastInferenceMs.toFixed(0)} ms`
            );
            const age = s.resultFrameId < 0 ? "" : ` · result ${this._engine.frameId - s.resultFrameId} frames old`;
            const temporal = `${st.temporal.reproject ? "follows camera" : "no reprojection"}${st.temporal.history > 0 ? ` · stabilizer ${st.temporal.history}` : ""}`;
            const adaptive = s.adaptive ? ` · ${s.adaptive.targetFps} fps target: ${s.adaptive.reason}` : "";
            lines.push(st.enabled ? `view ${st.view}${age}` : "stylization off (T)");
            lines.push(`${temporal}${adaptive}`);
        }
        this._overlay.setHud(lines.join("\n"));
    }

    private _describeCamera(): string {
        const d = this._director!;
        return d.mode === "walk" ? "walking" : d.mode === "path" ? `path frame ${d.clock.frame}` : "viewpoint";
    }
}
