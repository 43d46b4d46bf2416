/**
 * The compare-with-training view: the reference input, the output training produced and what the engine makes of the
 * same input with the current contract, side by side, with their PSNR.
 */
import { frameBytes } from "../contract/cpuReference.js";
import { psnrRgba } from "../diagnose/diagnoseContract.js";
import { el } from "./dom.js";
import { describeContract, formatPsnr } from "./format.js";
import type { PanelContext } from "./panelContext.js";

export class CompareView {
    public readonly element = el("div", { "data-field": "compareView" });
    private _queued = false;
    private _timer: ReturnType<typeof setTimeout> | undefined;

    /** `onScheduled` runs when a contract change queues a comparison. */
    public constructor(
        private readonly _ctx: PanelContext,
        private readonly _onScheduled: () => void
    ) {}

    /** Compares again 250 ms after a contract change; changes made meanwhile join the comparison already queued. */
    public schedule(): void {
        if (!this._ctx.state.referencePair || this._queued) {
            return;
        }
        this._queued = true;
        clearTimeout(this._timer);
        this._timer = setTimeout(() => {
            this._queued = false;
            this.compare().catch((error: Error) => this._ctx.setStatus(`compare: ${error.message}`, true));
        }, 250);
        this._onScheduled();
    }

    /** Resolves to the PSNR of the engine's output against the expected output, or undefined without a pair or model. */
    public async compare(): Promise<number | undefined> {
        const { state, stylization } = this._ctx;
        const pair = state.referencePair;
        if (!pair || !stylization.model) {
            return undefined;
        }
        const engineOut = await stylization.stylizeImage(pair.input);
        if (state.disposed) {
            return undefined;
        }
        const expected = frameBytes(pair.expected);
        state.comparePsnr = psnrRgba(engineOut, expected);
        const figure = (caption: string, data: Uint8ClampedArray | Uint8Array, name: string) => {
            const canvas = el("canvas", { width: pair.input.width, height: pair.input.height, "data-image": name });
            canvas
                .getContext("2d")!
                .putImageData(
                    new ImageData(new Uint8ClampedArray(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength), pair.input.width, pair.input.height),
                    0,
                    0
                );
            return el("figure", {}, canvas, el("figcaption", { text: caption }));
        };
        this.element.replaceChildren(
            el(
                "div",
                { class: "muted", "data-field": "comparePsnr" },
                `engine vs training output: `,
                el("b", { text: formatPsnr(state.comparePsnr) }),
                ` (${describeContract(stylization.preprocess)})`
            ),
            el(
                "div",
                { class: "compare" },
                figure("input frame", frameBytes(pair.input), "input"),
                figure("training output", expected, "expected"),
                figure("engine now", engineOut, "engine")
            )
        );
        return state.comparePsnr;
    }

    public clear(): void {
        this.element.replaceChildren();
    }

    /** Cancels a queued comparison. */
    public dispose(): void {
        clearTimeout(this._timer);
    }
}
