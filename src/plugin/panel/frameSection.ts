/** The "Frame" section: frame rate and counters, and where the last stylized frame's time went, stage by stage. */
import { StageNames, type StageName, type StageTimes } from "../pipeline/frameStats.js";
import { el, section } from "./dom.js";
import type { StylizationStats } from "../pipeline/frameStats.js";
import type { InspectedStylization } from "./inspectedStylization.js";

const StageLabels: Record<StageName, string> = {
    capture: "capture + preprocess",
    readback: "readback",
    inference: "inference",
    postprocess: "postprocess",
    present: "present + composite",
};

export class FrameSection {
    public readonly element: HTMLElement;
    private readonly _figures = el("div", { class: "figures", "data-field": "figures" });
    private readonly _bars = el("div", { class: "bars", "data-field": "stages" });
    /** The temporal pass's valid share, read back at most once a second (see Stylization.readTemporalValidShare). */
    private _validShare: number | undefined;
    private _validShareRead = -Infinity;

    /** `badge` is the title bar's provider badge, refreshed with the figures. */
    public constructor(
        private readonly _stylization: InspectedStylization,
        private readonly _badge: HTMLElement
    ) {
        this.element = section("Frame", "frame", true, this._figures, this._bars);
    }

    private _readValidShare(): void {
        const now = performance.now();
        if (now - this._validShareRead < 1000) {
            return;
        }
        this._validShareRead = Infinity; // one read in flight
        this._stylization
            .readTemporalValidShare()
            .then((share) => (this._validShare = share))
            .catch(() => (this._validShare = undefined))
            .finally(() => (this._validShareRead = performance.now()));
    }

    public refresh(stats: StylizationStats): void {
        this._readValidShare();
        const engine = this._stylization.scene.getEngine();
        const fps = engine.getFps();
        this._badge.textContent = stats.executionProvider
            ? `${stats.executionProvider}${stats.zeroCopy ? " · zero-copy" : ""}${stats.graphCapture ? " · graph capture" : ""} · ${engine.isWebGPU ? "WebGPU" : "WebGL2"}`
            : "no model";
        this._figures.replaceChildren(
            ...[
                ["fps", fps.toFixed(0)],
                ["stylized", String(stats.framesStylized)],
                ["skipped", String(stats.framesSkipped)],
                ["latency ms", stats.lastInferenceMs.toFixed(0)],
                ["avg ms", stats.averageInferenceMs.toFixed(0)],
                ["size", `${stats.inferenceWidth}x${stats.inferenceHeight}`],
                ["result age", stats.resultFrameId < 0 ? "–" : `${engine.frameId - stats.resultFrameId} frames`],
                ["valid history", this._validShare === undefined ? "–" : `${(100 * this._validShare).toFixed(0)}%`],
                ...(stats.adaptive
                    ? [
                          [
                              "adaptive",
                              `${stats.adaptive.height} rows, ${stats.adaptive.reason} (${stats.adaptive.fps.toFixed(0)}/${stats.adaptive.targetFps} fps)`,
                          ],
                      ]
                    : []),
            ].map(([label, value]) => el("div", { "data-figure": label }, `${label} `, el("b", { text: value })))
        );
        const stages: StageTimes = stats.lastStages;
        const longest = Math.max(1, ...StageNames.map((key) => stages[key]));
        this._bars.replaceChildren(
            ...StageNames.flatMap((key) => [
                el("span", { text: StageLabels[key] }),
                el("div", {}, el("div", { class: "bar", style: `width:${(100 * stages[key]) / longest}%` })),
                el("span", { "data-stage": key, text: `${stages[key].toFixed(1)} ms` }),
            ])
        );
    }
}
