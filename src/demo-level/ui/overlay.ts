/**
 * The page's overlays: the loading screen (progress bar for the model download and session creation), the HUD, the
 * help line and a message banner. With `?hud=0` none of them ever shows, so tests and captures see only the canvas.
 */
export type MessageKind = "notice" | "error";

function element(id: string): HTMLElement {
    const found = document.getElementById(id);
    if (!found) {
        throw new Error(`the demo page lacks #${id}`);
    }
    return found;
}

export class Overlay {
    private readonly _loading = element("loading");
    private readonly _loadingFill = element("loading-fill");
    private readonly _loadingLabel = element("loading-label");
    private readonly _hud = element("hud");
    private readonly _help = element("help");
    private readonly _message = element("message");
    private _messageTimer: ReturnType<typeof setTimeout> | undefined;

    public constructor(private readonly _visible: boolean) {
        if (!_visible) {
            for (const e of [this._loading, this._hud, this._help, this._message]) {
                e.style.display = "none";
            }
        }
    }

    /** Shows the loading screen at `progress` (0..1), or an indeterminate bar when null. */
    public setLoading(progress: number | null, label: string): void {
        if (!this._visible) {
            return;
        }
        this._loading.style.display = "flex";
        this._loadingLabel.textContent = label;
        this._loadingFill.classList.toggle("indeterminate", progress === null);
        this._loadingFill.style.width = progress === null ? "" : `${Math.round(Math.min(1, Math.max(0, progress)) * 100)}%`;
    }

    public hideLoading(): void {
        this._loading.style.display = "none";
    }

    public setHud(text: string): void {
        if (this._visible) {
            this._hud.textContent = text;
        }
    }

    public setHelp(text: string): void {
        if (this._visible) {
            this._help.textContent = text;
        }
    }

    /** A banner at the bottom: notices fade after `durationMs`; errors stay until replaced. */
    public showMessage(text: string, kind: MessageKind, durationMs = 10_000): void {
        clearTimeout(this._messageTimer);
        this._message.textContent = text;
        this._message.className = kind;
        if (!this._visible) {
            return;
        }
        this._message.style.display = text ? "block" : "none";
        if (kind === "notice" && text) {
            this._messageTimer = setTimeout(() => (this._message.style.display = "none"), durationMs);
        }
    }

    /** The message banner's text (also kept when overlays are hidden, for tests). */
    public get message(): string {
        return this._message.textContent ?? "";
    }
}
