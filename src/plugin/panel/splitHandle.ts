/** The split divider over the canvas: shown in the split view, dragged to move `splitPosition`. */
import { el } from "./dom.js";
import type { InspectedStylization } from "./inspectedStylization.js";

export class SplitHandle {
    public readonly element = el("div", { class: "split-handle", "data-control": "split-handle", title: "drag to move the split" }, el("span", { text: "⇔" }));

    /** `onReleased` runs when a drag ends. */
    public constructor(
        private readonly _stylization: InspectedStylization,
        private readonly _onReleased: () => void
    ) {
        const handle = this.element;
        handle.addEventListener("pointerdown", (down) => {
            down.preventDefault();
            handle.setPointerCapture(down.pointerId);
            const move = (e: PointerEvent) => {
                const rect = this._canvasRect();
                if (rect && rect.width > 0) {
                    this._stylization.splitPosition = Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width));
                    this.place();
                }
            };
            const up = () => {
                handle.removeEventListener("pointermove", move);
                handle.removeEventListener("pointerup", up);
                this._onReleased();
            };
            handle.addEventListener("pointermove", move);
            handle.addEventListener("pointerup", up);
        });
    }

    /** Puts the handle over the canvas at the split position, or hides it outside the split view. */
    public place(): void {
        const rect = this._canvasRect();
        const show = this._stylization.view === "split" && !!rect && rect.width > 0;
        this.element.style.display = show ? "block" : "none";
        if (show) {
            this.element.style.left = `${rect.left + this._stylization.splitPosition * rect.width}px`;
            this.element.style.top = `${rect.top}px`;
            this.element.style.height = `${rect.height}px`;
        }
    }

    private _canvasRect(): DOMRect | undefined {
        return this._stylization.scene.getEngine().getRenderingCanvas()?.getBoundingClientRect();
    }
}
