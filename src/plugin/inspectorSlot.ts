/**
 * Where a stylization keeps its inspector panel. The panel is its own entry (`babylon-stylize/inspector`), imported on
 * the first `open`, so a game that never opens it never loads it.
 */
import { StylizationError } from "./errors.js";
import type { InspectedStylization, InspectorOptions, StylizationInspector } from "./panel/index.js";

export class InspectorSlot {
    private _inspector: StylizationInspector | undefined;
    private _loading: Promise<StylizationInspector> | undefined;
    private _closed = false;

    /** The open panel, if any. */
    public get current(): StylizationInspector | undefined {
        return this._inspector?.disposed ? undefined : this._inspector;
    }

    /** Opens the panel on `stylization` (or returns the one already open or loading). */
    public open(stylization: InspectedStylization, options: InspectorOptions): Promise<StylizationInspector> {
        if (this._closed) {
            return Promise.reject(new StylizationError("showInspector: this stylization was disposed"));
        }
        if (this.current) {
            return Promise.resolve(this.current);
        }
        this._loading ??= import("./panel/index.js")
            .then(({ StylizationInspector }) => {
                if (this._closed) {
                    throw new StylizationError("showInspector: this stylization was disposed while the panel loaded");
                }
                this._inspector = new StylizationInspector(stylization, options);
                return this._inspector;
            })
            .finally(() => (this._loading = undefined));
        return this._loading;
    }

    /** Closes the panel, if open. */
    public close(): void {
        this._inspector?.dispose();
        this._inspector = undefined;
    }

    /** Closes the panel for good: later `open` calls reject. */
    public dispose(): void {
        this._closed = true;
        this.close();
    }
}
