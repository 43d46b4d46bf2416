/**
 * The "Tensors and warnings" section: statistics and histograms of the input and output tensors the network sees and
 * produces, and plain-words warnings where they do not look like what the model expects, with one-click fixes.
 */
import { derivePreprocessParams, inputInterval, outputInterval, type PreprocessConfig } from "../contract/preprocessConfig.js";
import { guideChannels, guideLabels } from "../contract/guides.js";
import { el, section } from "./dom.js";
import { f3 } from "./format.js";
import { drawHistogram } from "./histogram.js";
import { findMismatches } from "./mismatch.js";
import type { PanelContext } from "./panelContext.js";
import { computeTensorStats, type ChannelStats } from "./tensorStats.js";

/** Where a guide's 0..1 lands in the tensor (like channel 0: see contract/guides.ts). */
function guideInterval(config: PreprocessConfig): [number, number] {
    const p = derivePreprocessParams(config);
    const ends = [p.inBias[0], p.inScale[0] + p.inBias[0]];
    return [Math.min(...ends), Math.max(...ends)];
}

export class TensorSection {
    public readonly element: HTMLElement;
    private readonly _warningList = el("ul", { class: "warnings", "data-field": "warnings" });
    private readonly _inputTable = el("table", { "data-field": "inputStats" });
    private readonly _outputTable = el("table", { "data-field": "outputStats" });
    private readonly _inputHistogram = el("canvas", { class: "histogram", width: 320, height: 48, "data-field": "inputHistogram" });
    private readonly _outputHistogram = el("canvas", { class: "histogram", width: 320, height: 48, "data-field": "outputHistogram" });
    private _statsBusy = false;
    private _statsQueue: Promise<void> = Promise.resolve();
    private _lastStatsAt = 0;

    public constructor(private readonly _ctx: PanelContext) {
        this.element = section(
            "Tensors and warnings",
            "tensors",
            true,
            this._warningList,
            el("div", { class: "muted", text: "input tensor (per tensor channel; expected interval shaded)" }),
            this._inputTable,
            this._inputHistogram,
            el("div", { class: "muted", text: "output tensor" }),
            this._outputTable,
            this._outputHistogram
        );
    }

    /** Starts a statistics refresh when the last one is older than the interval and frames are being stylized. */
    public refreshIfDue(framesStylized: number): void {
        const interval = this._ctx.options.statsIntervalMs ?? 500;
        if (!this._statsBusy && performance.now() - this._lastStatsAt >= interval && this._ctx.stylization.model && framesStylized > 0) {
            void this.updateStats();
        }
    }

    /** Makes the next refresh read the tensors again (after the model or the contract changed). */
    public restartClock(): void {
        this._lastStatsAt = 0;
    }

    /** Reads both tensors back now and recomputes the statistics, histograms and warnings. */
    public updateStats(): Promise<void> {
        // Queued behind a refresh in progress, so the caller sees figures of tensors read after this call.
        const run = () => this._computeStats();
        this._statsQueue = this._statsQueue.then(run, run);
        return this._statsQueue;
    }

    private async _computeStats(): Promise<void> {
        this._statsBusy = true;
        const state = this._ctx.state;
        try {
            const st = this._ctx.stylization;
            const config = { ...st.preprocess };
            const [input, output] = await Promise.all([st.readInputTensor(), st.readOutputTensor()]);
            if (state.disposed) {
                return;
            }
            const inputExpected = inputInterval(config);
            for (let g = 0; g < guideChannels(st.model?.guides); g++) {
                inputExpected.push(guideInterval(config)); // a guide: 0..1 taken in like channel 0
            }
            const out = outputInterval(config.outputRange);
            state.tensorStats = {
                input: input.length ? computeTensorStats(input, inputExpected) : undefined,
                output: output?.length ? computeTensorStats(output, [out, out, out]) : undefined,
            };
            // The warnings are about the image channels: a guide has its own meaning.
            const rgb = { input: state.tensorStats.input?.slice(0, 3), output: state.tensorStats.output };
            state.warnings = findMismatches(config, rgb, st.model?.trainingStatistics);
            this._renderStats(config);
        } catch (error) {
            this._ctx.setStatus(`statistics: ${(error as Error).message}`, true);
        } finally {
            this._lastStatsAt = performance.now();
            this._statsBusy = false;
        }
    }

    private _renderStats(config: PreprocessConfig): void {
        const ctx = this._ctx;
        const { tensorStats, warnings } = ctx.state;
        const source = derivePreprocessParams(config).source;
        const training = ctx.stylization.model?.trainingStatistics;
        const guides = guideLabels(ctx.stylization.model?.guides);
        const table = (target: HTMLElement, stats: ChannelStats[] | undefined, kind: "input" | "output") => {
            const head = el("tr", {}, ...["ch", "min", "max", "mean", "std", "out"].map((h) => el("th", { text: h })));
            const rows = (stats ?? []).map((s, c) =>
                el(
                    "tr",
                    { "data-channel": c },
                    el("td", { text: `${c} ${c < 3 ? "RGB"[source[c]] : guides[c - 3]}` }),
                    el("td", { "data-stat": "min", text: f3(s.min) }),
                    el("td", { "data-stat": "max", text: f3(s.max) }),
                    el("td", { "data-stat": "mean", text: f3(s.mean) }),
                    el("td", { "data-stat": "std", text: f3(s.std) }),
                    el("td", { "data-stat": "outOfRange", class: s.outOfRange > 0.02 ? "bad" : undefined, text: `${(s.outOfRange * 100).toFixed(1)}%` })
                )
            );
            if (kind === "input" && training) {
                for (let c = 0; c < 3; c++) {
                    rows.push(
                        el(
                            "tr",
                            { class: "muted", "data-training": c },
                            el("td", { text: `${c} training` }),
                            el("td"),
                            el("td"),
                            el("td", { text: f3(training.mean[c]) }),
                            el("td", { text: f3(training.std[c]) }),
                            el("td")
                        )
                    );
                }
            }
            target.replaceChildren(head, ...rows);
        };
        table(this._inputTable, tensorStats.input, "input");
        table(this._outputTable, tensorStats.output, "output");
        drawHistogram(this._inputHistogram, tensorStats.input);
        drawHistogram(this._outputHistogram, tensorStats.output);
        const items = warnings.map((w) => {
            const item = el("li", { class: w.severity, "data-warning": w.kind }, w.text);
            if (w.fix) {
                const fix = w.fix;
                const button = el("button", {
                    "data-control": "apply-fix",
                    text: `apply ${Object.entries(fix)
                        .map(([k, v]) => `${k} = ${String(v)}`)
                        .join(", ")}`,
                });
                button.addEventListener("click", () =>
                    ctx.attempt(() => ((ctx.stylization.preprocess = fix), ctx.save(), ctx.scheduleCompare()), `applied ${button.textContent?.slice(6)}`)
                );
                item.append(button);
            }
            return item;
        });
        if (!items.length && tensorStats.input) {
            items.push(el("li", { class: "ok", "data-warning": "none", text: "The live tensors look like what the model expects." }));
        }
        this._warningList.replaceChildren(...items);
    }
}
