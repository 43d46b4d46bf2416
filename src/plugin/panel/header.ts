/** The panel's title bar: the provider badge, the close button, and dragging the panel by it. */
import { el } from "./dom.js";

/** Builds the title bar of `panel`; its × button calls `close`. */
export function buildHeader(panel: HTMLElement, close: () => void): { header: HTMLElement; badge: HTMLElement } {
    const closeButton = el("button", { title: "close the inspector", "data-control": "close", "aria-label": "close", text: "×" });
    closeButton.addEventListener("click", () => close());
    const badge = el("span", { class: "badge", "data-field": "provider" });
    const header = el("header", {}, el("h1", { text: "Stylization inspector" }), badge, closeButton);
    // Drag the panel by its title bar.
    header.addEventListener("pointerdown", (down) => {
        if ((down.target as Element).closest("button")) {
            return;
        }
        const rect = panel.getBoundingClientRect();
        const dx = down.clientX - rect.left;
        const dy = down.clientY - rect.top;
        header.setPointerCapture(down.pointerId);
        const move = (e: PointerEvent) => {
            panel.style.left = `${Math.max(0, e.clientX - dx)}px`;
            panel.style.top = `${Math.max(0, e.clientY - dy)}px`;
            panel.style.right = "auto";
        };
        const up = () => {
            header.removeEventListener("pointermove", move);
            header.removeEventListener("pointerup", up);
        };
        header.addEventListener("pointermove", move);
        header.addEventListener("pointerup", up);
    });
    return { header, badge };
}
