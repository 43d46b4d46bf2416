/**
 * Where the diagnosis section's reference pair comes from: the pairs the model's sidecar lists, or an input frame and
 * its expected output the user drops in (or chooses with the file inputs).
 */
import type { RgbaFrame } from "../contract/cpuReference.js";
import { el, row } from "./dom.js";
import type { InspectorModelEntry } from "./inspectorOptions.js";
import type { PanelContext } from "./panelContext.js";
import { decodeImage, loadPair, loadSidecar, type ReferencePairSource } from "./referencePair.js";

/** The reference pair's label when the user dropped its images in. */
const DroppedLabel = "dropped images";

/** Uses a pair for diagnosis and the compare view (`StylizationInspector.setReferencePair`). */
export type UsePair = (input: RgbaFrame, expected: RgbaFrame, label: string) => Promise<void>;

export class ReferenceInput {
    /** The list of pairs to choose from. */
    public readonly select = el("select", { "data-control": "reference" }, el("option", { value: "", text: "(none: drop two images below)" }));
    /** The drop zone, with the two file inputs. */
    public readonly dropZone: HTMLElement;
    /** The model the reference pairs belong to. */
    private _modelName: string | undefined;
    private _sidecarPairs: ReferencePairSource[] = [];
    private _droppedPair: { input?: RgbaFrame; expected?: RgbaFrame } = {};

    public constructor(
        private readonly _ctx: PanelContext,
        private readonly _usePair: UsePair
    ) {
        const ctx = _ctx;
        this.select.addEventListener("change", () => ctx.attempt(() => this._useReference(this.select.value)));
        const inputFile = el("input", { type: "file", accept: "image/*", "data-control": "reference-input" });
        const expectedFile = el("input", { type: "file", accept: "image/*", "data-control": "reference-expected" });
        const onFile = (role: "input" | "expected", input: HTMLInputElement) =>
            input.addEventListener("change", () => {
                const file = input.files?.[0];
                if (file) {
                    ctx.attempt(async () => this._dropImage(role, await decodeImage(file)));
                }
            });
        onFile("input", inputFile);
        onFile("expected", expectedFile);
        const drop = el(
            "div",
            { class: "drop", "data-field": "dropZone" },
            "Drop an input frame and the output your training produced for it here (input first), or choose them:",
            row("input frame", inputFile),
            row("expected output", expectedFile)
        );
        drop.addEventListener("dragover", (e) => {
            e.preventDefault();
            drop.classList.add("over");
        });
        drop.addEventListener("dragleave", () => drop.classList.remove("over"));
        drop.addEventListener("drop", (e) => {
            e.preventDefault();
            drop.classList.remove("over");
            const files = Array.from(e.dataTransfer?.files ?? []).filter((f) => f.type.startsWith("image/"));
            ctx.attempt(async () => {
                const frames = await Promise.all(files.slice(0, 2).map((f) => decodeImage(f)));
                if (frames.length === 2) {
                    this._droppedPair = {};
                    await this._dropImage("input", frames[0]);
                    await this._dropImage("expected", frames[1]);
                } else if (frames.length === 1) {
                    await this._dropImage(this._droppedPair.input && !this._droppedPair.expected ? "expected" : "input", frames[0]);
                }
            });
        });
        this.dropZone = drop;
    }

    /** The model the listed pairs belong to. */
    public get modelName(): string | undefined {
        return this._modelName;
    }

    /**
     * Lists the pairs of another model: its sidecar's, once loaded (the first is then used unless a pair was chosen
     * meanwhile). Dropped images stay in the list for the user to pick again.
     */
    public useModel(modelName: string, entry: InspectorModelEntry | undefined): void {
        const ctx = this._ctx;
        this._modelName = modelName;
        const sidecar = entry?.reference;
        this._sidecarPairs = [];
        this._fill();
        this.select.value = "";
        if (entry && sidecar) {
            loadSidecar(sidecar, entry.url).then(
                (pairs) => {
                    if (this._modelName !== modelName || ctx.state.disposed) {
                        return;
                    }
                    this._sidecarPairs = pairs;
                    this._fill();
                    if (pairs.length && !ctx.state.referencePair) {
                        this.select.value = "0";
                        ctx.attempt(() => this._useReference("0"));
                    }
                },
                (error: Error) => ctx.setStatus(`reference pairs: ${error.message}`, true)
            );
        }
    }

    private _fill(): void {
        const options = [el("option", { value: "", text: this._sidecarPairs.length ? "(choose)" : "(none: drop two images below)" })];
        this._sidecarPairs.forEach((p, i) => options.push(el("option", { value: String(i), text: p.label })));
        if (this._droppedPair.input && this._droppedPair.expected) {
            options.push(el("option", { value: "dropped", text: DroppedLabel }));
        }
        const current = this.select.value;
        this.select.replaceChildren(...options);
        this.select.value = options.some((o) => o.value === current) ? current : "";
    }

    private async _useReference(value: string): Promise<void> {
        if (value === "dropped" && this._droppedPair.input && this._droppedPair.expected) {
            await this._usePair(this._droppedPair.input, this._droppedPair.expected, DroppedLabel);
        } else if (this._sidecarPairs[Number(value)] && value !== "") {
            const pair = await loadPair(this._sidecarPairs[Number(value)]);
            await this._usePair(pair.input, pair.expected, pair.label);
        }
    }

    private async _dropImage(role: "input" | "expected", frame: RgbaFrame): Promise<void> {
        this._droppedPair[role] = frame;
        const { input, expected } = this._droppedPair;
        if (input && expected) {
            this._fill();
            this.select.value = "dropped";
            await this._usePair(input, expected, DroppedLabel);
        } else {
            this._ctx.setStatus(`${role} image loaded (${frame.width}x${frame.height}); now the ${role === "input" ? "expected output" : "input frame"}`);
        }
    }
}
