/**
 * The inspector panel: live controls for the preprocessing contract and the composite, where the frame time goes,
 * statistics of the tensors the network sees and produces, plain-words mismatch warnings, and diagnosis against a
 * reference pair with one-click apply. Plain DOM in a shadow root (no UI dependency, no styles leaking either way).
 */
import type { Observer } from "@babylonjs/core/Misc/observable.js";
import {
    ChannelOrders,
    ColorSpaces,
    InputRanges,
    OutputRanges,
    ResizeFilters,
    derivePreprocessParams,
    resolvePreprocessConfig,
    inputInterval,
    outputInterval,
    type PreprocessConfig,
    type Vec3,
} from "../contract/preprocessConfig.js";
import { frameBytes, type RgbaFrame } from "../contract/cpuReference.js";
import { psnrRgba, type DiagnosisCandidate } from "../diagnose/diagnoseContract.js";
import { modelSourceName } from "../model/loadModel.js";
import { StylizationViews, type ExecutionProviderOption } from "../options.js";
import type { Stylization } from "../stylization.js";
import { InspectorCss } from "./inspectorStyles.js";
import { findMismatches, type MismatchWarning } from "./mismatch.js";
import { computeTensorStats, type ChannelStats } from "./tensorStats.js";
import { SettingsFormat, StorageKey, loadStoredSettings, parseSettingsFile, saveStoredSettings, type ExportedSettings, type StoredSettings } from "./inspectorSettings.js";
import { decodeImage, loadPair, loadSidecar, type ReferencePair, type ReferencePairSource } from "./referencePair.js";

/** A model the panel offers in its model list. */
export interface InspectorModelEntry {
    label: string;
    url: string;
    /**
     * The model's reference pairs for diagnosis: the sidecar JSON the training recipe's export writes
     * (`<model folder>/reference/<name>.json`). Without it, reference images are dropped in.
     */
    reference?: string;
}

export interface InspectorOptions {
    /** Where the panel's element goes. @defaultValue `document.body` */
    container?: HTMLElement;
    /** Models to offer; the one whose file name matches the loaded model is selected. A file picker is always offered. */
    models?: readonly InspectorModelEntry[];
    /** Loads a model chosen in the list. @defaultValue `stylization.setModel(entry.url)` */
    selectModel?: (entry: InspectorModelEntry) => Promise<void>;
    /** How often the tensor statistics and warnings refresh, in ms (each refresh reads both tensors back). @defaultValue `500` */
    statsIntervalMs?: number;
    /** Where settings are remembered; `null` remembers nothing. @defaultValue `window.localStorage` */
    storage?: Storage | null;
}

type Sync = () => void;

const StageLabels: Array<[keyof Stylization["stats"]["lastStages"], string]> = [
    ["capture", "capture + preprocess"],
    ["readback", "readback"],
    ["inference", "inference"],
    ["postprocess", "postprocess"],
    ["present", "present + composite"],
];

const ChannelColors = ["#ff6b6b", "#5fd17a", "#6b9bff"];

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string | number | boolean | undefined> = {}, ...children: Array<Node | string | null | undefined>): HTMLElementTagNameMap[K] {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
        if (value === undefined || value === false) {
            continue;
        }
        if (name === "text") {
            element.textContent = String(value);
        } else {
            element.setAttribute(name, value === true ? "" : String(value));
        }
    }
    for (const child of children) {
        if (child !== null && child !== undefined) {
            element.append(child);
        }
    }
    return element;
}

/** The reference pair's label when the user dropped its images in. */
const DroppedLabel = "dropped images";

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : String(v));

export class StylizationInspector {
    /** The element added to the page (the panel lives in its shadow root). */
    public readonly element: HTMLElement;
    public readonly root: ShadowRoot;
    /** Statistics of the last input and output tensors read, per tensor channel. */
    public tensorStats: { input?: ChannelStats[]; output?: ChannelStats[] } = {};
    /** The warnings currently shown. */
    public warnings: MismatchWarning[] = [];
    /** The last diagnosis ranking, best first. */
    public diagnosis: DiagnosisCandidate[] | undefined;
    /** The reference pair diagnosis and the compare view use. */
    public referencePair: ReferencePair | undefined;
    /** PSNR (dB) of the engine's output against the expected output of the reference pair, from the compare view. */
    public comparePsnr: number | undefined;

    private readonly _options: InspectorOptions;
    private readonly _storage: Storage | undefined;
    private readonly _panel: HTMLElement;
    private readonly _status: HTMLElement;
    private readonly _splitHandle: HTMLElement;
    private readonly _syncs: Sync[] = [];
    private _overrides: Partial<PreprocessConfig> = {};
    private readonly _cleanup: Array<() => void> = [];
    private _disposed = false;
    private _statsBusy = false;
    private _statsQueue: Promise<void> = Promise.resolve();
    private _lastStatsAt = 0;
    /** The model the reference pairs belong to. */
    private _modelName: string | undefined;
    private _sidecarPairs: ReferencePairSource[] = [];
    private _droppedPair: { input?: RgbaFrame; expected?: RgbaFrame } = {};
    private _compareQueued = false;
    private _compareTimer: ReturnType<typeof setTimeout> | undefined;

    // Parts refreshed by `_refresh`.
    private _figures!: HTMLElement;
    private _bars!: HTMLElement;
    private _inputTable!: HTMLElement;
    private _outputTable!: HTMLElement;
    private _inputHistogram!: HTMLCanvasElement;
    private _outputHistogram!: HTMLCanvasElement;
    private _warningList!: HTMLElement;
    private _referenceSelect!: HTMLSelectElement;
    private _diagnosisBody!: HTMLElement;
    private _compareBody!: HTMLElement;
    private _modelSelect!: HTMLSelectElement;

    public constructor(
        public readonly stylization: Stylization,
        options: InspectorOptions = {}
    ) {
        if (typeof document === "undefined") {
            throw new Error("the inspector panel needs a browser page (document is undefined)");
        }
        this._options = options;
        this._storage = options.storage === null ? undefined : (options.storage ?? globalThis.localStorage);
        this.element = el("div", { "data-babylon-stylize-inspector": "" });
        this.root = this.element.attachShadow({ mode: "open" });
        const layer = el("div", { class: "layer" });
        this._splitHandle = el("div", { class: "split-handle", "data-control": "split-handle", title: "drag to move the split" }, el("span", { text: "⇔" }));
        this._status = el("div", { class: "status", role: "status" });
        this._panel = el("div", { class: "panel", role: "dialog", "aria-label": "Stylization inspector" });
        this._panel.append(this._buildHeader(), this._status, this._buildFrameSection(), this._buildDisplaySection(), this._buildModelSection(), this._buildContractSection(), this._buildTensorSection(), this._buildDiagnosisSection(), this._buildSettingsSection());
        layer.append(this._splitHandle, this._panel);
        this.root.append(el("style", { text: InspectorCss }), layer);
        // Typing in the panel must not drive the game (WASD, shortcuts).
        for (const type of ["keydown", "keyup", "keypress"]) {
            this._panel.addEventListener(type, (e) => e.stopPropagation());
        }
        this._bindSplitHandle();
        (options.container ?? document.body).append(this.element);

        this._restoreStored();
        this._observe(stylization.onModelReadyObservable, () => this._onModelReady());
        this._observe(stylization.onErrorObservable, (error) => this._setStatus(`${error.name}: ${error.message}`, true));
        this._observe(stylization.onDisposeObservable, () => this.dispose());
        const timer = setInterval(() => this._refresh(), 200);
        this._cleanup.push(() => clearInterval(timer));
        if (stylization.lastError) {
            this._setStatus(`${stylization.lastError.name}: ${stylization.lastError.message}`, true);
        }
        this._onModelReady(false);
        this._refresh();
    }

    public get disposed(): boolean {
        return this._disposed;
    }

    /** Removes the panel from the page. The stylization keeps every setting made in it. */
    public dispose(): void {
        if (this._disposed) {
            return;
        }
        this._disposed = true;
        clearTimeout(this._compareTimer);
        this._cleanup.forEach((fn) => fn());
        this.element.remove();
    }

    // ---- building -------------------------------------------------------------------------------------------

    private _observe<T>(observable: { add(cb: (value: T) => void): Observer<T> | null; remove(observer: Observer<T> | null): boolean }, callback: (value: T) => void): void {
        const observer = observable.add(callback);
        this._cleanup.push(() => observable.remove(observer));
    }

    private _section(title: string, name: string, open: boolean, ...children: Node[]): HTMLElement {
        return el("details", { open, "data-section": name }, el("summary", { text: title }), el("div", { class: "body" }, ...children));
    }

    private _row(label: string, control: Node, origin?: HTMLElement): HTMLElement {
        return el("div", { class: "row" }, el("label", {}, label, origin), control);
    }

    /** Runs `action`, reporting a thrown error in the status line instead of letting it escape an event handler. */
    private _try(action: () => void | Promise<unknown>, success?: string): void {
        try {
            const result = action();
            if (result instanceof Promise) {
                result.then(
                    () => success && this._setStatus(success),
                    (error: Error) => this._setStatus(`${error.name}: ${error.message}`, true)
                );
            } else {
                if (success) {
                    this._setStatus(success);
                }
            }
        } catch (error) {
            this._setStatus(`${(error as Error).name}: ${(error as Error).message}`, true);
        }
        this._syncAll();
    }

    private _setStatus(text: string, error = false): void {
        this._status.textContent = text;
        this._status.classList.toggle("error", error);
    }

    private _focused(element: Element): boolean {
        return this.root.activeElement === element;
    }

    private _select<T extends string>(name: string, values: readonly T[], get: () => T, set: (value: T) => void): HTMLSelectElement {
        const select = el("select", { "data-control": name }, ...values.map((v) => el("option", { value: v, text: v })));
        select.addEventListener("change", () => this._try(() => set(select.value as T)));
        this._syncs.push(() => {
            if (!this._focused(select)) {
                select.value = get();
            }
        });
        return select;
    }

    private _checkbox(name: string, get: () => boolean, set: (value: boolean) => void): HTMLInputElement {
        const box = el("input", { type: "checkbox", "data-control": name });
        box.addEventListener("change", () => this._try(() => set(box.checked)));
        this._syncs.push(() => (box.checked = get()));
        return box;
    }

    private _slider(name: string, min: number, max: number, step: number, get: () => number, set: (value: number) => void): HTMLElement {
        const range = el("input", { type: "range", min, max, step, "data-control": name });
        const value = el("span", { class: "muted" });
        range.addEventListener("input", () => this._try(() => set(Number(range.value))));
        this._syncs.push(() => {
            if (!this._focused(range)) {
                range.value = String(get());
            }
            value.textContent = get().toFixed(2);
        });
        return el("div", { class: "vec" }, range, value);
    }

    private _buildHeader(): HTMLElement {
        const close = el("button", { title: "close the inspector", "data-control": "close", "aria-label": "close", text: "×" });
        close.addEventListener("click", () => this.dispose());
        const header = el("header", {}, el("h1", { text: "Stylization inspector" }), el("span", { class: "badge", "data-field": "provider" }), close);
        // Drag the panel by its title bar.
        header.addEventListener("pointerdown", (down) => {
            if ((down.target as Element).closest("button")) {
                return;
            }
            const rect = this._panel.getBoundingClientRect();
            const dx = down.clientX - rect.left;
            const dy = down.clientY - rect.top;
            header.setPointerCapture(down.pointerId);
            const move = (e: PointerEvent) => {
                this._panel.style.left = `${Math.max(0, e.clientX - dx)}px`;
                this._panel.style.top = `${Math.max(0, e.clientY - dy)}px`;
                this._panel.style.right = "auto";
            };
            const up = () => {
                header.removeEventListener("pointermove", move);
                header.removeEventListener("pointerup", up);
            };
            header.addEventListener("pointermove", move);
            header.addEventListener("pointerup", up);
        });
        return header;
    }

    private _buildFrameSection(): HTMLElement {
        this._figures = el("div", { class: "figures", "data-field": "figures" });
        this._bars = el("div", { class: "bars", "data-field": "stages" });
        return this._section("Frame", "frame", true, this._figures, this._bars);
    }

    private _buildDisplaySection(): HTMLElement {
        const st = this.stylization;
        const views = el("div", { class: "buttons", "data-control": "view" });
        for (const view of StylizationViews) {
            const button = el("button", { text: view, "data-view": view, "aria-pressed": "false" });
            button.addEventListener("click", () => this._try(() => ((st.view = view), this._save())));
            this._syncs.push(() => button.setAttribute("aria-pressed", String(st.view === view)));
            views.append(button);
        }
        const height = el("input", { type: "number", min: 8, max: 4096, step: 8, "data-control": "targetHeight" });
        height.addEventListener("change", () => this._try(() => ((st.targetHeight = Number(height.value)), this._save())));
        this._syncs.push(() => {
            if (!this._focused(height)) {
                height.value = String(st.targetHeight);
            }
        });
        const size = el("span", { class: "muted", "data-field": "inferenceSize" });
        this._syncs.push(() => {
            const s = st.stats;
            size.textContent = st.model?.fixedHeight ? ` fixed ${s.inferenceWidth}x${s.inferenceHeight}` : ` → ${s.inferenceWidth}x${s.inferenceHeight}`;
        });
        return this._section(
            "Display",
            "display",
            true,
            this._row("stylization on", this._checkbox("enabled", () => st.enabled, (v) => (st.enabled = v))),
            this._row("freeze frame", this._checkbox("frozen", () => st.frozen, (v) => (st.frozen = v))),
            this._row("view", views),
            this._row("blend", this._slider("blend", 0, 1, 0.01, () => st.blend, (v) => ((st.blend = v), this._save()))),
            this._row("split position", this._slider("splitPosition", 0, 1, 0.01, () => st.splitPosition, (v) => ((st.splitPosition = v), this._save()))),
            this._row("inference height", el("div", {}, height, size))
        );
    }

    private _buildModelSection(): HTMLElement {
        const st = this.stylization;
        const models = this._options.models ?? [];
        this._modelSelect = el("select", { "data-control": "model" }, el("option", { value: "", text: "(loaded model)" }), ...models.map((m, i) => el("option", { value: String(i), text: m.label })));
        this._modelSelect.addEventListener("change", () => {
            const entry = models[Number(this._modelSelect.value)];
            if (!entry) {
                return;
            }
            this._setStatus(`loading ${entry.label}…`);
            this._try(() => (this._options.selectModel ? this._options.selectModel(entry) : st.setModel(entry.url)), `model: ${entry.label}`);
        });
        this._syncs.push(() => {
            if (!this._focused(this._modelSelect)) {
                this._modelSelect.value = String(this._currentModelIndex() ?? "");
            }
        });
        const file = el("input", { type: "file", accept: ".onnx", "data-control": "model-file" });
        file.addEventListener("change", () => {
            const chosen = file.files?.[0];
            if (chosen) {
                this._setStatus(`loading ${chosen.name}…`);
                this._try(async () => st.setModel(new Uint8Array(await chosen.arrayBuffer()), { name: chosen.name }), `model: ${chosen.name}`);
            }
        });
        const provider = el("select", { "data-control": "executionProvider" }, ...["auto", "webgpu", "wasm", "webgl"].map((v) => el("option", { value: v, text: v })));
        this._syncs.push(() => {
            if (!this._focused(provider)) {
                provider.value = st.requestedExecutionProvider;
            }
        });
        provider.addEventListener("change", () => {
            const model = st.model;
            if (!model) {
                return;
            }
            this._setStatus(`recreating the session on ${provider.value}…`);
            this._try(() => st.setModel(model.bytes, { executionProvider: provider.value as ExecutionProviderOption, name: model.name }), `running on ${provider.value}`);
        });
        const running = el("span", { class: "muted", "data-field": "running" });
        this._syncs.push(() => {
            const s = st.stats;
            running.textContent = s.executionProvider ? ` running: ${s.executionProvider}${s.zeroCopy ? " (zero-copy)" : " (readback)"}` : " no session";
        });
        const about = el("div", { class: "muted", "data-field": "modelInfo" });
        this._syncs.push(() => {
            const m = st.model;
            about.textContent = m ? `${m.name}: ${(m.bytes.byteLength / 1024).toFixed(0)} KB, input ${m.fixedWidth && m.fixedHeight ? `${m.fixedWidth}x${m.fixedHeight}` : "any size"}${m.warnings.length ? ` — ${m.warnings.join(" ")}` : ""}` : "no model loaded";
        });
        return this._section("Model", "model", false, this._row("model", this._modelSelect), this._row("open file", file), this._row("execution provider", el("div", {}, provider, running)), about);
    }

    private _currentModelIndex(): number | undefined {
        const name = this.stylization.model?.name;
        const index = (this._options.models ?? []).findIndex((m) => modelSourceName(m.url) === name);
        return index >= 0 ? index : undefined;
    }

    private _origin(field: keyof PreprocessConfig): HTMLElement {
        const origin = el("span", { class: "origin", "data-origin": field });
        this._syncs.push(() => {
            const overridden = field in this._overrides;
            const declared = this.stylization.model?.declared[field] !== undefined;
            origin.textContent = overridden ? "override" : declared ? "model" : "default";
            origin.classList.toggle("override", overridden);
        });
        return origin;
    }

    private _buildContractSection(): HTMLElement {
        const st = this.stylization;
        const set = <K extends keyof PreprocessConfig>(field: K) => (value: PreprocessConfig[K]) => {
            st.preprocess = { [field]: value } as Partial<PreprocessConfig>;
            this._save();
            this._scheduleCompare();
        };
        const get = <K extends keyof PreprocessConfig>(field: K) => () => st.preprocess[field];
        const vector = (field: "mean" | "std") => {
            const inputs = [0, 1, 2].map((c) => el("input", { type: "number", step: 0.001, "data-control": `${field}${c}`, "aria-label": `${field} ${"RGB"[c]}` }));
            for (const input of inputs) {
                input.addEventListener("change", () => this._try(() => set(field)(inputs.map((i) => Number(i.value)) as unknown as Vec3)));
            }
            this._syncs.push(() => {
                inputs.forEach((input, c) => {
                    if (!this._focused(input)) {
                        input.value = String(st.preprocess[field][c]);
                    }
                    input.disabled = st.preprocess.inputRange !== "custom";
                });
            });
            return el("div", { class: "vec" }, ...inputs);
        };
        const reset = el("button", { "data-control": "resetPreprocess", text: "use the model's contract" });
        reset.addEventListener("click", () => this._try(() => (st.resetPreprocess(), this._save(), this._scheduleCompare()), "overrides dropped: the model's declared contract applies"));
        return this._section(
            "Preprocessing contract",
            "contract",
            true,
            this._row("input range", this._select("inputRange", InputRanges, get("inputRange"), set("inputRange")), this._origin("inputRange")),
            this._row("mean (R,G,B)", vector("mean"), this._origin("mean")),
            this._row("std (R,G,B)", vector("std"), this._origin("std")),
            this._row("channel order", this._select("channelOrder", ChannelOrders, get("channelOrder"), set("channelOrder")), this._origin("channelOrder")),
            this._row("network colour", this._select("colorSpace", ColorSpaces, get("colorSpace"), set("colorSpace")), this._origin("colorSpace")),
            this._row("frame colour", this._select("frameColorSpace", ColorSpaces, get("frameColorSpace"), set("frameColorSpace")), this._origin("frameColorSpace")),
            this._row("flip rows (flipY)", this._checkbox("flipY", get("flipY"), set("flipY")), this._origin("flipY")),
            this._row("resize filter", this._select("resize", ResizeFilters, get("resize"), set("resize")), this._origin("resize")),
            this._row("output range", this._select("outputRange", OutputRanges, get("outputRange"), set("outputRange")), this._origin("outputRange")),
            this._row("clamp output", this._checkbox("clamp", get("clamp"), set("clamp")), this._origin("clamp")),
            el("div", { class: "buttons" }, reset)
        );
    }

    private _buildTensorSection(): HTMLElement {
        this._warningList = el("ul", { class: "warnings", "data-field": "warnings" });
        this._inputTable = el("table", { "data-field": "inputStats" });
        this._outputTable = el("table", { "data-field": "outputStats" });
        this._inputHistogram = el("canvas", { class: "histogram", width: 320, height: 48, "data-field": "inputHistogram" });
        this._outputHistogram = el("canvas", { class: "histogram", width: 320, height: 48, "data-field": "outputHistogram" });
        return this._section(
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

    private _buildDiagnosisSection(): HTMLElement {
        this._referenceSelect = el("select", { "data-control": "reference" }, el("option", { value: "", text: "(none: drop two images below)" }));
        this._referenceSelect.addEventListener("change", () => this._try(() => this._useReference(this._referenceSelect.value)));
        const inputFile = el("input", { type: "file", accept: "image/*", "data-control": "reference-input" });
        const expectedFile = el("input", { type: "file", accept: "image/*", "data-control": "reference-expected" });
        const onFile = (role: "input" | "expected", input: HTMLInputElement) =>
            input.addEventListener("change", () => {
                const file = input.files?.[0];
                if (file) {
                    this._try(async () => this._dropImage(role, await decodeImage(file)));
                }
            });
        onFile("input", inputFile);
        onFile("expected", expectedFile);
        const drop = el("div", { class: "drop", "data-field": "dropZone" }, "Drop an input frame and the output your training produced for it here (input first), or choose them:", this._row("input frame", inputFile), this._row("expected output", expectedFile));
        drop.addEventListener("dragover", (e) => {
            e.preventDefault();
            drop.classList.add("over");
        });
        drop.addEventListener("dragleave", () => drop.classList.remove("over"));
        drop.addEventListener("drop", (e) => {
            e.preventDefault();
            drop.classList.remove("over");
            const files = Array.from(e.dataTransfer?.files ?? []).filter((f) => f.type.startsWith("image/"));
            this._try(async () => {
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
        const run = el("button", { "data-control": "diagnose", text: "Run diagnosis" });
        run.addEventListener("click", () => this._try(() => this.runDiagnosis()));
        const compare = el("button", { "data-control": "compare", text: "Compare with training" });
        compare.addEventListener("click", () => this._try(() => this.compare()));
        this._syncs.push(() => {
            const ready = !!this.referencePair && !!this.stylization.model;
            run.disabled = !ready;
            compare.disabled = !ready;
        });
        this._diagnosisBody = el("div", { "data-field": "diagnosis" });
        this._compareBody = el("div", { "data-field": "compareView" });
        return this._section(
            "Diagnosis",
            "diagnosis",
            true,
            this._row("reference pair", this._referenceSelect),
            drop,
            el("div", { class: "buttons" }, run, compare),
            this._diagnosisBody,
            this._compareBody
        );
    }

    private _buildSettingsSection(): HTMLElement {
        const exportButton = el("button", { "data-control": "export", text: "Export JSON" });
        exportButton.addEventListener("click", () => {
            const settings = this.exportSettings();
            const link = el("a", { href: URL.createObjectURL(new Blob([JSON.stringify(settings, null, 2)], { type: "application/json" })), download: `${(settings.model ?? "stylization").replace(/\.onnx$/i, "")}.inspector.json` });
            link.click();
            setTimeout(() => URL.revokeObjectURL(link.href), 1000);
        });
        const importFile = el("input", { type: "file", accept: ".json,application/json", "data-control": "import" });
        importFile.addEventListener("change", () => {
            const file = importFile.files?.[0];
            if (file) {
                this._try(async () => this.importSettings(await file.text()), `settings imported from ${file.name}`);
            }
        });
        const forget = el("button", { "data-control": "forget", text: "Forget saved settings" });
        forget.addEventListener("click", () => this._try(() => this._storage?.removeItem(StorageKey), "saved settings forgotten (the current ones stay until you change them)"));
        return this._section(
            "Settings",
            "settings",
            false,
            el("div", { class: "muted", text: "Contract overrides (per model) and display settings are remembered in this browser." }),
            el("div", { class: "buttons" }, exportButton, forget),
            this._row("import JSON", importFile)
        );
    }

    // ---- split divider on the canvas --------------------------------------------------------------------------

    private _canvasRect(): DOMRect | undefined {
        return this.stylization.scene.getEngine().getRenderingCanvas()?.getBoundingClientRect();
    }

    private _bindSplitHandle(): void {
        const handle = this._splitHandle;
        handle.addEventListener("pointerdown", (down) => {
            down.preventDefault();
            handle.setPointerCapture(down.pointerId);
            const move = (e: PointerEvent) => {
                const rect = this._canvasRect();
                if (rect && rect.width > 0) {
                    this.stylization.splitPosition = Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width));
                    this._placeSplitHandle();
                }
            };
            const up = () => {
                handle.removeEventListener("pointermove", move);
                handle.removeEventListener("pointerup", up);
                this._save();
                this._syncAll();
            };
            handle.addEventListener("pointermove", move);
            handle.addEventListener("pointerup", up);
        });
    }

    private _placeSplitHandle(): void {
        const rect = this._canvasRect();
        const show = this.stylization.view === "split" && !!rect && rect.width > 0;
        this._splitHandle.style.display = show ? "block" : "none";
        if (show) {
            this._splitHandle.style.left = `${rect.left + this.stylization.splitPosition * rect.width}px`;
            this._splitHandle.style.top = `${rect.top}px`;
            this._splitHandle.style.height = `${rect.height}px`;
        }
    }

    // ---- refreshing -------------------------------------------------------------------------------------------

    private _syncAll(): void {
        this._overrides = this.stylization.preprocessOverrides; // one copy for every field's origin marker
        this._syncs.forEach((sync) => sync());
        this._placeSplitHandle();
    }

    private _refresh(): void {
        if (this._disposed) {
            return;
        }
        this._syncAll();
        const st = this.stylization;
        const stats = st.stats;
        const fps = st.scene.getEngine().getFps();
        const badge = this.root.querySelector('[data-field="provider"]')!;
        badge.textContent = stats.executionProvider ? `${stats.executionProvider}${stats.zeroCopy ? " · zero-copy" : ""} · ${st.scene.getEngine().isWebGPU ? "WebGPU" : "WebGL2"}` : "no model";
        this._figures.replaceChildren(
            ...[
                ["fps", fps.toFixed(0)],
                ["stylized", String(stats.framesStylized)],
                ["skipped", String(stats.framesSkipped)],
                ["latency ms", stats.lastInferenceMs.toFixed(0)],
                ["avg ms", stats.averageInferenceMs.toFixed(0)],
                ["size", `${stats.inferenceWidth}x${stats.inferenceHeight}`],
            ].map(([label, value]) => el("div", { "data-figure": label }, `${label} `, el("b", { text: value })))
        );
        const stages = stats.lastStages;
        const longest = Math.max(1, ...StageLabels.map(([key]) => stages[key]));
        this._bars.replaceChildren(
            ...StageLabels.flatMap(([key, label]) => [
                el("span", { text: label }),
                el("div", {}, el("div", { class: "bar", style: `width:${(100 * stages[key]) / longest}%` })),
                el("span", { "data-stage": key, text: `${stages[key].toFixed(1)} ms` }),
            ])
        );
        const interval = this._options.statsIntervalMs ?? 500;
        if (!this._statsBusy && performance.now() - this._lastStatsAt >= interval && st.model && stats.framesStylized > 0) {
            void this.updateStats();
        }
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
        try {
            const st = this.stylization;
            const config = { ...st.preprocess };
            const [input, output] = await Promise.all([st.readInputTensor(), st.readOutputTensor()]);
            if (this._disposed) {
                return;
            }
            const inputExpected = inputInterval(config);
            const out = outputInterval(config.outputRange);
            this.tensorStats = {
                input: input.length ? computeTensorStats(input, inputExpected) : undefined,
                output: output?.length ? computeTensorStats(output, [out, out, out]) : undefined,
            };
            this.warnings = findMismatches(config, this.tensorStats, st.model?.trainingStatistics);
            this._renderStats(config);
        } catch (error) {
            this._setStatus(`statistics: ${(error as Error).message}`, true);
        } finally {
            this._lastStatsAt = performance.now();
            this._statsBusy = false;
        }
    }

    private _renderStats(config: PreprocessConfig): void {
        const source = derivePreprocessParams(config).source;
        const training = this.stylization.model?.trainingStatistics;
        const table = (target: HTMLElement, stats: ChannelStats[] | undefined, kind: "input" | "output") => {
            const head = el("tr", {}, ...["ch", "min", "max", "mean", "std", "out"].map((h) => el("th", { text: h })));
            const rows = (stats ?? []).map((s, c) =>
                el(
                    "tr",
                    { "data-channel": c },
                    el("td", { text: `${c} ${"RGB"[source[c]]}` }),
                    el("td", { "data-stat": "min", text: f3(s.min) }),
                    el("td", { "data-stat": "max", text: f3(s.max) }),
                    el("td", { "data-stat": "mean", text: f3(s.mean) }),
                    el("td", { "data-stat": "std", text: f3(s.std) }),
                    el("td", { "data-stat": "outOfRange", class: s.outOfRange > 0.02 ? "bad" : undefined, text: `${(s.outOfRange * 100).toFixed(1)}%` })
                )
            );
            if (kind === "input" && training) {
                for (let c = 0; c < 3; c++) {
                    rows.push(el("tr", { class: "muted", "data-training": c }, el("td", { text: `${c} training` }), el("td"), el("td"), el("td", { text: f3(training.mean[c]) }), el("td", { text: f3(training.std[c]) }), el("td")));
                }
            }
            target.replaceChildren(head, ...rows);
        };
        table(this._inputTable, this.tensorStats.input, "input");
        table(this._outputTable, this.tensorStats.output, "output");
        drawHistogram(this._inputHistogram, this.tensorStats.input);
        drawHistogram(this._outputHistogram, this.tensorStats.output);
        const items = this.warnings.map((w) => {
            const item = el("li", { class: w.severity, "data-warning": w.kind }, w.text);
            if (w.fix) {
                const fix = w.fix;
                const button = el("button", { "data-control": "apply-fix", text: `apply ${Object.entries(fix).map(([k, v]) => `${k} = ${String(v)}`).join(", ")}` });
                button.addEventListener("click", () => this._try(() => ((this.stylization.preprocess = fix), this._save(), this._scheduleCompare()), `applied ${button.textContent?.slice(6)}`));
                item.append(button);
            }
            return item;
        });
        if (!items.length && this.tensorStats.input) {
            items.push(el("li", { class: "ok", "data-warning": "none", text: "The live tensors look like what the model expects." }));
        }
        this._warningList.replaceChildren(...items);
    }

    // ---- model changes and settings -----------------------------------------------------------------------------

    private _onModelReady(applyStored = true): void {
        const model = this.stylization.model;
        if (!model) {
            return;
        }
        if (applyStored) {
            const stored = loadStoredSettings(this._storage).overrides[model.name];
            if (stored && JSON.stringify(stored) !== JSON.stringify(this.stylization.preprocessOverrides)) {
                this._try(() => {
                    this.stylization.resetPreprocess();
                    this.stylization.preprocess = stored;
                }, `restored the contract you chose for ${model.name}`);
            }
        }
        this.diagnosis = undefined;
        this._diagnosisBody.replaceChildren();
        this.tensorStats = {};
        this._lastStatsAt = 0;
        if (model.name === this._modelName) {
            return; // the same model on a new session (provider change, restored device): the pair still applies
        }
        // Another model: a reference pair belongs to the model that produced its expected output. Dropped images stay
        // in the list for the user to pick again.
        this._modelName = model.name;
        this.referencePair = undefined;
        this.comparePsnr = undefined;
        this._compareBody.replaceChildren();
        const entry = (this._options.models ?? [])[this._currentModelIndex() ?? -1];
        const sidecar = entry?.reference;
        this._sidecarPairs = [];
        this._fillReferences();
        this._referenceSelect.value = "";
        if (entry && sidecar) {
            loadSidecar(sidecar, entry.url).then(
                (pairs) => {
                    if (this._modelName !== model.name || this._disposed) {
                        return;
                    }
                    this._sidecarPairs = pairs;
                    this._fillReferences();
                    if (pairs.length && !this.referencePair) {
                        this._referenceSelect.value = "0";
                        this._try(() => this._useReference("0"));
                    }
                },
                (error: Error) => this._setStatus(`reference pairs: ${error.message}`, true)
            );
        }
    }

    private _fillReferences(): void {
        const options = [el("option", { value: "", text: this._sidecarPairs.length ? "(choose)" : "(none: drop two images below)" })];
        this._sidecarPairs.forEach((p, i) => options.push(el("option", { value: String(i), text: p.label })));
        if (this._droppedPair.input && this._droppedPair.expected) {
            options.push(el("option", { value: "dropped", text: DroppedLabel }));
        }
        const current = this._referenceSelect.value;
        this._referenceSelect.replaceChildren(...options);
        this._referenceSelect.value = options.some((o) => o.value === current) ? current : "";
    }

    private async _useReference(value: string): Promise<void> {
        if (value === "dropped" && this._droppedPair.input && this._droppedPair.expected) {
            await this.setReferencePair(this._droppedPair.input, this._droppedPair.expected, DroppedLabel);
        } else if (this._sidecarPairs[Number(value)] && value !== "") {
            const pair = await loadPair(this._sidecarPairs[Number(value)]);
            await this.setReferencePair(pair.input, pair.expected, pair.label);
        }
    }

    private async _dropImage(role: "input" | "expected", frame: RgbaFrame): Promise<void> {
        this._droppedPair[role] = frame;
        const { input, expected } = this._droppedPair;
        if (input && expected) {
            this._fillReferences();
            this._referenceSelect.value = "dropped";
            await this.setReferencePair(input, expected, DroppedLabel);
        } else {
            this._setStatus(`${role} image loaded (${frame.width}x${frame.height}); now the ${role === "input" ? "expected output" : "input frame"}`);
        }
    }

    /**
     * Uses an input frame and the output training produced for it for diagnosis and the compare view.
     * @throws RangeError when their sizes differ
     */
    public async setReferencePair(input: RgbaFrame, expected: RgbaFrame, label = "reference"): Promise<void> {
        if (input.width !== expected.width || input.height !== expected.height) {
            throw new RangeError(`the input frame is ${input.width}x${input.height} but the expected output is ${expected.width}x${expected.height}: a reference pair has one size`);
        }
        this.referencePair = { label, input, expected };
        this.comparePsnr = undefined;
        this.diagnosis = undefined;
        this._diagnosisBody.replaceChildren();
        this._setStatus(`reference pair: ${label}`);
        this._syncAll();
        await this.compare();
    }

    /** Ranks every candidate contract on the reference pair (see `Stylization.diagnose`) and shows the table. */
    public async runDiagnosis(): Promise<DiagnosisCandidate[]> {
        const pair = this.referencePair;
        if (!pair) {
            throw new Error("diagnosis needs a reference pair: choose the model's, or drop an input frame and its expected output");
        }
        const progress = el("div", { class: "muted", "data-field": "diagnosisProgress", text: "running…" });
        this._diagnosisBody.replaceChildren(progress);
        const ranking = await this.stylization.diagnose(pair.input, pair.expected, { onProgress: (done, total) => (progress.textContent = `${done}/${total} network runs`) });
        this.diagnosis = ranking;
        this._renderDiagnosis();
        this._setStatus(`diagnosis: best ${describeContract(ranking[0].contract)} at ${formatPsnr(ranking[0].psnr)}`);
        return ranking;
    }

    private _renderDiagnosis(): void {
        const ranking = this.diagnosis;
        if (!ranking) {
            return;
        }
        const current = this.stylization.preprocess;
        const isCurrent = (c: DiagnosisCandidate) => (Object.keys(c.contract) as Array<keyof DiagnosisCandidate["contract"]>).every((k) => c.contract[k] === current[k]);
        const head = el("tr", {}, ...["#", "input", "output", "order", "colour", "flip", "PSNR", ""].map((h) => el("th", { text: h })));
        const rows = ranking.slice(0, 10).map((c, i) => {
            const apply = el("button", { "data-control": "apply-candidate", "data-rank": i, text: isCurrent(c) ? "in use" : "apply" });
            apply.disabled = isCurrent(c);
            apply.addEventListener("click", () => this._try(() => this.applyCandidate(i)));
            return el(
                "tr",
                { class: isCurrent(c) ? "current" : undefined, "data-rank": i },
                el("td", { text: String(i + 1) }),
                el("td", { text: c.contract.inputRange }),
                el("td", { text: c.contract.outputRange }),
                el("td", { text: c.contract.channelOrder }),
                el("td", { text: c.contract.colorSpace }),
                el("td", { text: c.contract.flipY ? "yes" : "no" }),
                el("td", { "data-psnr": "", text: formatPsnr(c.psnr) }),
                el("td", {}, apply)
            );
        });
        const currentRank = ranking.findIndex(isCurrent);
        const applyBest = el("button", { "data-control": "apply-best", text: `Apply the best (${formatPsnr(ranking[0].psnr)})` });
        applyBest.disabled = currentRank === 0;
        applyBest.addEventListener("click", () => this._try(() => this.applyCandidate(0)));
        const summary = el(
            "div",
            { class: "muted", "data-field": "diagnosisSummary" },
            `${ranking.length} candidates; the contract in use ranks ${currentRank >= 0 ? `#${currentRank + 1} (${formatPsnr(ranking[currentRank].psnr)})` : "outside the candidates (custom mean/std)"}.`
        );
        this._diagnosisBody.replaceChildren(summary, el("div", { class: "buttons" }, applyBest), el("table", {}, head, ...rows));
    }

    /** Applies the diagnosis candidate at `rank` (0 = best) as preprocessing overrides, then refreshes the compare view. */
    public async applyCandidate(rank: number): Promise<void> {
        const candidate = this.diagnosis?.[rank];
        if (!candidate) {
            throw new RangeError(`no diagnosis candidate #${rank + 1}: run the diagnosis first`);
        }
        // Overrides only where the candidate differs from what the model declares, so the panel keeps showing which
        // fields are the model's own.
        const st = this.stylization;
        const declared = resolvePreprocessConfig(st.model?.declared);
        const overrides: Partial<PreprocessConfig> = { ...st.preprocessOverrides, ...candidate.contract };
        for (const key of Object.keys(candidate.contract) as Array<keyof DiagnosisCandidate["contract"]>) {
            if (declared[key] === candidate.contract[key]) {
                delete overrides[key];
            }
        }
        st.resetPreprocess();
        st.preprocess = overrides;
        this._save();
        this._renderDiagnosis();
        this._setStatus(`applied ${describeContract(candidate.contract)}`);
        this._lastStatsAt = 0;
        await this.compare();
    }

    private _scheduleCompare(): void {
        if (!this.referencePair || this._compareQueued) {
            return;
        }
        this._compareQueued = true;
        clearTimeout(this._compareTimer);
        this._compareTimer = setTimeout(() => {
            this._compareQueued = false;
            this.compare().catch((error: Error) => this._setStatus(`compare: ${error.message}`, true));
        }, 250);
        this._renderDiagnosis();
    }

    /**
     * The compare-with-training view: the reference input, the output training produced and what the engine makes of
     * the same input with the current contract, side by side, with their PSNR. Resolves to that PSNR.
     */
    public async compare(): Promise<number | undefined> {
        const pair = this.referencePair;
        if (!pair || !this.stylization.model) {
            return undefined;
        }
        const engineOut = await this.stylization.stylizeImage(pair.input);
        if (this._disposed) {
            return undefined;
        }
        const expected = frameBytes(pair.expected);
        this.comparePsnr = psnrRgba(engineOut, expected);
        const figure = (caption: string, data: Uint8ClampedArray | Uint8Array, name: string) => {
            const canvas = el("canvas", { width: pair.input.width, height: pair.input.height, "data-image": name });
            canvas.getContext("2d")!.putImageData(new ImageData(new Uint8ClampedArray(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength), pair.input.width, pair.input.height), 0, 0);
            return el("figure", {}, canvas, el("figcaption", { text: caption }));
        };
        this._compareBody.replaceChildren(
            el("div", { class: "muted", "data-field": "comparePsnr" }, `engine vs training output: `, el("b", { text: formatPsnr(this.comparePsnr) }), ` (${describeContract(this.stylization.preprocess)})`),
            el("div", { class: "compare" }, figure("input frame", frameBytes(pair.input), "input"), figure("training output", expected, "expected"), figure("engine now", engineOut, "engine"))
        );
        return this.comparePsnr;
    }

    /** The panel's settings as the JSON file "Export JSON" downloads. */
    public exportSettings(): ExportedSettings {
        const st = this.stylization;
        return {
            format: SettingsFormat,
            version: 1,
            model: st.model?.name ?? null,
            preprocess: { ...st.preprocess },
            overrides: st.preprocessOverrides,
            display: { blend: st.blend, view: st.view, splitPosition: st.splitPosition, targetHeight: st.targetHeight },
        };
    }

    /**
     * Applies an exported settings file: all values are checked first, so a bad file changes nothing.
     * @throws SettingsFileError naming what is wrong
     */
    public importSettings(text: string): void {
        const settings = parseSettingsFile(text);
        const st = this.stylization;
        st.resetPreprocess();
        st.preprocess = settings.overrides;
        Object.assign(st, settings.display);
        this._save();
        this._syncAll();
        this._scheduleCompare();
    }

    private _save(): void {
        const st = this.stylization;
        const stored: StoredSettings = loadStoredSettings(this._storage);
        stored.display = { blend: st.blend, view: st.view, splitPosition: st.splitPosition, targetHeight: st.targetHeight };
        if (st.model) {
            stored.overrides[st.model.name] = st.preprocessOverrides;
        }
        saveStoredSettings(this._storage, stored);
    }

    private _restoreStored(): void {
        const stored = loadStoredSettings(this._storage);
        if (stored.display) {
            this._try(() => void Object.assign(this.stylization, stored.display));
        }
        const overrides = this.stylization.model && stored.overrides[this.stylization.model.name];
        if (overrides) {
            this._try(() => {
                this.stylization.resetPreprocess();
                this.stylization.preprocess = overrides;
            }, `restored the contract you chose for ${this.stylization.model!.name}`);
        }
    }
}

function describeContract(c: Pick<PreprocessConfig, "inputRange" | "outputRange" | "channelOrder" | "colorSpace" | "flipY">): string {
    return `in ${c.inputRange}, out ${c.outputRange}, ${c.channelOrder}, ${c.colorSpace}${c.flipY ? ", flipY" : ""}`;
}

function formatPsnr(psnr: number): string {
    return Number.isFinite(psnr) ? `${psnr.toFixed(1)} dB` : "identical";
}

/** Three channel histograms over one axis, the expected interval shaded. */
function drawHistogram(canvas: HTMLCanvasElement, stats: ChannelStats[] | undefined): void {
    const context = canvas.getContext("2d");
    if (!context) {
        return;
    }
    const { width, height } = canvas;
    context.clearRect(0, 0, width, height);
    if (!stats?.length) {
        return;
    }
    const lo = Math.min(...stats.map((s) => s.histogramRange[0]));
    const hi = Math.max(...stats.map((s) => s.histogramRange[1]));
    const x = (v: number) => ((v - lo) / (hi - lo || 1)) * width;
    const [elo, ehi] = [Math.min(...stats.map((s) => s.expected[0])), Math.max(...stats.map((s) => s.expected[1]))];
    context.fillStyle = "rgba(255,255,255,0.08)";
    context.fillRect(x(elo), 0, x(ehi) - x(elo), height);
    context.globalCompositeOperation = "lighter";
    stats.forEach((s, c) => {
        const peak = Math.max(1, ...s.histogram);
        const bins = s.histogram.length;
        const [a, b] = s.histogramRange;
        context.fillStyle = ChannelColors[c];
        context.globalAlpha = 0.6;
        for (let i = 0; i < bins; i++) {
            const x0 = x(a + ((b - a) * i) / bins);
            const x1 = x(a + ((b - a) * (i + 1)) / bins);
            const h = (s.histogram[i] / peak) * (height - 2);
            context.fillRect(x0, height - h, Math.max(1, x1 - x0 - 0.5), h);
        }
    });
    context.globalAlpha = 1;
    context.globalCompositeOperation = "source-over";
    context.fillStyle = "#8a93a6";
    context.font = "10px sans-serif";
    context.fillText(f3(lo), 2, 10);
    const right = f3(hi);
    context.fillText(right, width - context.measureText(right).width - 2, 10);
}
