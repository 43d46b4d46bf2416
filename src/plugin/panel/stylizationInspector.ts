/**
 * The inspector panel: live controls for the preprocessing contract and the composite, where the frame time goes,
 * statistics of the tensors the network sees and produces, plain-words mismatch warnings, and diagnosis against a
 * reference pair with one-click apply. Plain DOM in a shadow root (no UI dependency, no styles leaking either way).
 *
 * This class wires the sections together; each section builds its part of the panel from a shared {@link PanelContext}.
 */
import type { RgbaFrame } from "../contract/cpuReference.js";
import type { DiagnosisCandidate } from "../diagnose/diagnoseContract.js";
import { StylizationError } from "../errors.js";
import { CompareView } from "./compareView.js";
import { buildContractSection } from "./contractSection.js";
import { DiagnosisSection } from "./diagnosisSection.js";
import { buildDisplaySection } from "./displaySection.js";
import { el, type Sync } from "./dom.js";
import { FrameSection } from "./frameSection.js";
import { buildHeader } from "./header.js";
import type { InspectedStylization } from "./inspectedStylization.js";
import type { InspectorOptions } from "./inspectorOptions.js";
import type { ExportedSettings } from "./inspectorSettings.js";
import { InspectorCss } from "./inspectorStyles.js";
import type { MismatchWarning } from "./mismatch.js";
import { buildModelSection, currentModelIndex } from "./modelSection.js";
import type { InspectorState, PanelContext } from "./panelContext.js";
import { ReferenceInput } from "./referenceInput.js";
import type { ReferencePair } from "./referencePair.js";
import { PanelSettings } from "./settingsSection.js";
import { SplitHandle } from "./splitHandle.js";
import { TensorSection } from "./tensorSection.js";
import type { ChannelStats } from "./tensorStats.js";

export type { InspectorModelEntry, InspectorOptions } from "./inspectorOptions.js";

export class StylizationInspector implements InspectorState {
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
    private readonly _panel: HTMLElement;
    private readonly _status: HTMLElement;
    private readonly _syncs: Sync[] = [];
    private readonly _cleanup: Array<() => void> = [];
    private _disposed = false;
    private readonly _splitHandle: SplitHandle;
    private readonly _frame: FrameSection;
    private readonly _tensors: TensorSection;
    private readonly _references: ReferenceInput;
    private readonly _compare: CompareView;
    private readonly _diagnosis: DiagnosisSection;
    private readonly _settings: PanelSettings;

    public constructor(
        public readonly stylization: InspectedStylization,
        options: InspectorOptions = {}
    ) {
        if (typeof document === "undefined") {
            throw new StylizationError("the inspector panel needs a browser page (document is undefined)");
        }
        this._options = options;
        const storage = options.storage === null ? undefined : (options.storage ?? globalThis.localStorage);
        this.element = el("div", { "data-babylon-stylize-inspector": "" });
        this.root = this.element.attachShadow({ mode: "open" });
        // Its actions forward to parts built below: nothing calls them before those exist (event handlers, restore).
        const ctx: PanelContext = {
            stylization,
            options,
            state: this,
            syncs: this._syncs,
            attempt: (action, success) => this._try(action, success),
            focused: (element) => this.root.activeElement === element,
            setStatus: (text, error) => this._setStatus(text, error),
            syncAll: () => this._syncAll(),
            save: () => this._settings.save(),
            scheduleCompare: () => this._compare.schedule(),
        };
        const layer = el("div", { class: "layer" });
        this._splitHandle = new SplitHandle(stylization, () => (this._settings.save(), this._syncAll()));
        this._status = el("div", { class: "status", role: "status" });
        this._panel = el("div", { class: "panel", role: "dialog", "aria-label": "Stylization inspector" });
        const { header, badge } = buildHeader(this._panel, () => this.dispose());
        this._frame = new FrameSection(stylization, badge);
        const display = buildDisplaySection(ctx);
        const model = buildModelSection(ctx);
        const contract = buildContractSection(ctx);
        this._tensors = new TensorSection(ctx);
        this._references = new ReferenceInput(ctx, (input, expected, label) => this.setReferencePair(input, expected, label));
        // A contract change moves the diagnosis table's "in use" row.
        this._compare = new CompareView(ctx, () => this._diagnosis.render());
        this._diagnosis = new DiagnosisSection(ctx, this._references, this._compare, () => this._tensors.restartClock());
        this._settings = new PanelSettings(ctx, storage);
        this._panel.append(
            header,
            this._status,
            this._frame.element,
            display,
            model,
            contract,
            this._tensors.element,
            this._diagnosis.element,
            this._settings.element
        );
        layer.append(this._splitHandle.element, this._panel);
        this.root.append(el("style", { text: InspectorCss }), layer);
        // Typing in the panel must not drive the game (WASD, shortcuts).
        for (const type of ["keydown", "keyup", "keypress"]) {
            this._panel.addEventListener(type, (e) => e.stopPropagation());
        }
        (options.container ?? document.body).append(this.element);

        this._settings.restore();
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
        this._compare.dispose();
        this._cleanup.forEach((fn) => fn());
        this.element.remove();
    }

    /** Reads both tensors back now and recomputes the statistics, histograms and warnings. */
    public updateStats(): Promise<void> {
        return this._tensors.updateStats();
    }

    /**
     * Uses an input frame and the output training produced for it for diagnosis and the compare view.
     * @throws StylizationError when their sizes differ
     */
    public async setReferencePair(input: RgbaFrame, expected: RgbaFrame, label = "reference"): Promise<void> {
        if (input.width !== expected.width || input.height !== expected.height) {
            throw new StylizationError(
                `the input frame is ${input.width}x${input.height} but the expected output is ${expected.width}x${expected.height}: a reference pair has one size`
            );
        }
        this.referencePair = { label, input, expected };
        this.comparePsnr = undefined;
        this._diagnosis.clear();
        this._setStatus(`reference pair: ${label}`);
        this._syncAll();
        await this.compare();
    }

    /** Ranks every candidate contract on the reference pair (see `Stylization.diagnose`) and shows the table. */
    public runDiagnosis(): Promise<DiagnosisCandidate[]> {
        return this._diagnosis.run();
    }

    /** Applies the diagnosis candidate at `rank` (0 = best) as preprocessing overrides, then refreshes the compare view. */
    public applyCandidate(rank: number): Promise<void> {
        return this._diagnosis.applyCandidate(rank);
    }

    /**
     * The compare-with-training view: the reference input, the output training produced and what the engine makes of
     * the same input with the current contract, side by side, with their PSNR. Resolves to that PSNR.
     */
    public compare(): Promise<number | undefined> {
        return this._compare.compare();
    }

    /** The panel's settings as the JSON file "Export JSON" downloads. */
    public exportSettings(): ExportedSettings {
        return this._settings.export();
    }

    /**
     * Applies an exported settings file: all values are checked first, so a bad file changes nothing.
     * @throws SettingsFileError naming what is wrong
     */
    public importSettings(text: string): void {
        this._settings.import(text);
    }

    /** `O` is whatever `add` returns for `remove` (an `Observer`). */
    private _observe<T, O>(observable: { add(cb: (value: T) => void): O; remove(observer: O): boolean }, callback: (value: T) => void): void {
        const observer = observable.add(callback);
        this._cleanup.push(() => observable.remove(observer));
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

    private _syncAll(): void {
        this._syncs.forEach((sync) => sync());
        this._splitHandle.place();
    }

    private _refresh(): void {
        if (this._disposed) {
            return;
        }
        this._syncAll();
        const stats = this.stylization.stats;
        this._frame.refresh(stats);
        this._tensors.refreshIfDue(stats.framesStylized);
    }

    private _onModelReady(applyStored = true): void {
        const model = this.stylization.model;
        if (!model) {
            return;
        }
        if (applyStored) {
            this._settings.restoreFor(model.name);
        }
        this._diagnosis.clear();
        this.tensorStats = {};
        this._tensors.restartClock();
        if (model.name === this._references.modelName) {
            return; // the same model on a new session (provider change, restored device): the pair still applies
        }
        // Another model: a reference pair belongs to the model that produced its expected output. Dropped images stay
        // in the list for the user to pick again.
        this.referencePair = undefined;
        this.comparePsnr = undefined;
        this._compare.clear();
        const models = this._options.models ?? [];
        this._references.useModel(model.name, models[currentModelIndex(this.stylization, models) ?? -1]);
    }
}
