/**
 * What the inspector panel remembers (in localStorage) and exports/imports as JSON: the display settings and, per
 * model, the preprocessing overrides chosen in the panel.
 */
import { resolvePreprocessConfig, type PreprocessConfig } from "../contract/preprocessConfig.js";
import { StylizationError } from "../errors.js";
import {
    StylizationViews,
    checkTargetFps,
    checkTargetHeight,
    checkTemporal,
    checkUnit,
    checkView,
    type StylizationView,
    type TemporalOptions,
} from "../options.js";

export interface DisplaySettings {
    blend: number;
    view: StylizationView;
    splitPosition: number;
    targetHeight: number;
    /** Absent in files written before the temporal controls: left as they are. */
    temporal?: Required<TemporalOptions>;
    targetFps?: number;
}

/** The display settings of a stylization, as stored and exported. */
export function displayOf(st: Required<DisplaySettings>): Required<DisplaySettings> {
    const { blend, view, splitPosition, targetHeight, temporal, targetFps } = st;
    return { blend, view, splitPosition, targetHeight, temporal: { ...temporal }, targetFps };
}

/** The exported file. `overrides` is what the panel changed; `preprocess` the full contract in effect (for reading). */
export interface ExportedSettings {
    format: typeof SettingsFormat;
    version: 1;
    model: string | null;
    preprocess: PreprocessConfig;
    overrides: Partial<PreprocessConfig>;
    display: DisplaySettings;
}

/** What localStorage holds. */
export interface StoredSettings {
    version: 1;
    display?: DisplaySettings;
    /** Preprocessing overrides by model name. */
    overrides: Record<string, Partial<PreprocessConfig>>;
}

export const SettingsFormat = "babylon-stylize.inspector";
export const StorageKey = "babylon-stylize.inspector";

/** Thrown for a settings file the panel cannot apply, with the reason in words. */
export class SettingsFileError extends StylizationError {
    public override name = "SettingsFileError";
}

function checkDisplay(value: unknown): DisplaySettings {
    const d = value as Partial<DisplaySettings> | undefined;
    if (!d || typeof d !== "object") {
        throw new SettingsFileError(`"display" must be an object with blend, view (${StylizationViews.join(", ")}), splitPosition and targetHeight`);
    }
    return {
        blend: checkUnit("display.blend", d.blend),
        view: checkView(d.view),
        splitPosition: checkUnit("display.splitPosition", d.splitPosition),
        targetHeight: checkTargetHeight(d.targetHeight),
        ...(d.temporal === undefined ? {} : { temporal: checkTemporal(d.temporal, { reproject: true, history: 0 }) }),
        ...(d.targetFps === undefined ? {} : { targetFps: checkTargetFps(d.targetFps) }),
    };
}

/**
 * Parses an exported settings file; every value is validated, so applying the result cannot fail half-way.
 * @throws SettingsFileError naming what is wrong
 */
export function parseSettingsFile(text: string): ExportedSettings {
    let json: Partial<ExportedSettings>;
    try {
        json = JSON.parse(text) as Partial<ExportedSettings>;
    } catch (error) {
        throw new SettingsFileError(`the settings file is not JSON (${(error as Error).message})`);
    }
    if (!json || json.format !== SettingsFormat) {
        throw new SettingsFileError(`not a babylon-stylize inspector settings file (expected "format": "${SettingsFormat}")`);
    }
    if (json.version !== 1) {
        throw new SettingsFileError(`settings version ${JSON.stringify(json.version)} is not supported (this plugin reads version 1)`);
    }
    const overrides = json.overrides ?? {};
    try {
        resolvePreprocessConfig(overrides); // validates every field
        return {
            format: SettingsFormat,
            version: 1,
            model: typeof json.model === "string" ? json.model : null,
            preprocess: resolvePreprocessConfig(json.preprocess),
            overrides,
            display: checkDisplay(json.display),
        };
    } catch (error) {
        if (error instanceof SettingsFileError) {
            throw error;
        }
        throw new SettingsFileError(`the settings file has an invalid value: ${(error as Error).message}`);
    }
}

/** Reads what the panel stored; anything unreadable counts as nothing stored. */
export function loadStoredSettings(storage: Storage | undefined): StoredSettings {
    const empty: StoredSettings = { version: 1, overrides: {} };
    try {
        const json = JSON.parse(storage?.getItem(StorageKey) ?? "null") as StoredSettings | null;
        if (!json || json.version !== 1 || typeof json.overrides !== "object") {
            return empty;
        }
        const overrides: StoredSettings["overrides"] = {};
        for (const [model, value] of Object.entries(json.overrides)) {
            try {
                resolvePreprocessConfig(value);
                overrides[model] = value;
            } catch {
                // a stale entry from an older version: ignore it
            }
        }
        let display: DisplaySettings | undefined;
        try {
            display = json.display ? checkDisplay(json.display) : undefined;
        } catch {
            display = undefined;
        }
        return { version: 1, display, overrides };
    } catch {
        return empty;
    }
}

export function saveStoredSettings(storage: Storage | undefined, settings: StoredSettings): void {
    try {
        storage?.setItem(StorageKey, JSON.stringify(settings));
    } catch {
        // storage full or disabled (private mode): the panel still works, it just forgets
    }
}
