/**
 * What the panel remembers and exchanges: the display settings and, per model, the contract overrides chosen in it,
 * kept in storage and exported/imported as JSON (the "Settings" section).
 */
import { el, row, section } from "./dom.js";
import {
    SettingsFormat,
    StorageKey,
    displayOf,
    loadStoredSettings,
    parseSettingsFile,
    saveStoredSettings,
    type ExportedSettings,
    type StoredSettings,
} from "./inspectorSettings.js";
import type { PanelContext } from "./panelContext.js";

export class PanelSettings {
    public readonly element: HTMLElement;

    /** `storage` undefined remembers nothing. */
    public constructor(
        private readonly _ctx: PanelContext,
        private readonly _storage: Storage | undefined
    ) {
        const ctx = _ctx;
        const exportButton = el("button", { "data-control": "export", text: "Export JSON" });
        exportButton.addEventListener("click", () => {
            const settings = this.export();
            const link = el("a", {
                href: URL.createObjectURL(new Blob([JSON.stringify(settings, null, 2)], { type: "application/json" })),
                download: `${(settings.model ?? "stylization").replace(/\.onnx$/i, "")}.inspector.json`,
            });
            link.click();
            setTimeout(() => URL.revokeObjectURL(link.href), 1000);
        });
        const importFile = el("input", { type: "file", accept: ".json,application/json", "data-control": "import" });
        importFile.addEventListener("change", () => {
            const file = importFile.files?.[0];
            if (file) {
                ctx.attempt(async () => this.import(await file.text()), `settings imported from ${file.name}`);
            }
        });
        const forget = el("button", { "data-control": "forget", text: "Forget saved settings" });
        forget.addEventListener("click", () =>
            ctx.attempt(() => this._storage?.removeItem(StorageKey), "saved settings forgotten (the current ones stay until you change them)")
        );
        this.element = section(
            "Settings",
            "settings",
            false,
            el("div", { class: "muted", text: "Contract overrides (per model) and display settings are remembered in this browser." }),
            el("div", { class: "buttons" }, exportButton, forget),
            row("import JSON", importFile)
        );
    }

    /** The panel's settings as the JSON file "Export JSON" downloads. */
    public export(): ExportedSettings {
        const st = this._ctx.stylization;
        return {
            format: SettingsFormat,
            version: 1,
            model: st.model?.name ?? null,
            preprocess: { ...st.preprocess },
            overrides: st.preprocessOverrides,
            display: displayOf(st),
        };
    }

    /**
     * Applies an exported settings file: all values are checked first, so a bad file changes nothing.
     * @throws SettingsFileError naming what is wrong
     */
    public import(text: string): void {
        const settings = parseSettingsFile(text);
        const st = this._ctx.stylization;
        st.resetPreprocess();
        st.preprocess = settings.overrides;
        Object.assign(st, settings.display);
        this.save();
        this._ctx.syncAll();
        this._ctx.scheduleCompare();
    }

    public save(): void {
        const st = this._ctx.stylization;
        const stored: StoredSettings = loadStoredSettings(this._storage);
        stored.display = displayOf(st);
        if (st.model) {
            stored.overrides[st.model.name] = st.preprocessOverrides;
        }
        saveStoredSettings(this._storage, stored);
    }

    /** Applies the remembered display settings and the loaded model's remembered overrides (when the panel opens). */
    public restore(): void {
        const ctx = this._ctx;
        const stored = loadStoredSettings(this._storage);
        if (stored.display) {
            ctx.attempt(() => void Object.assign(ctx.stylization, stored.display));
        }
        const overrides = ctx.stylization.model && stored.overrides[ctx.stylization.model.name];
        if (overrides) {
            ctx.attempt(() => {
                ctx.stylization.resetPreprocess();
                ctx.stylization.preprocess = overrides;
            }, `restored the contract you chose for ${ctx.stylization.model!.name}`);
        }
    }

    /** Applies the overrides remembered for a model just loaded, unless they are the ones in effect. */
    public restoreFor(modelName: string): void {
        const ctx = this._ctx;
        const stored = loadStoredSettings(this._storage).overrides[modelName];
        if (stored && JSON.stringify(stored) !== JSON.stringify(ctx.stylization.preprocessOverrides)) {
            ctx.attempt(() => {
                ctx.stylization.resetPreprocess();
                ctx.stylization.preprocess = stored;
            }, `restored the contract you chose for ${modelName}`);
        }
    }
}
