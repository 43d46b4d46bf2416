/**
 * The "Display" section: stylization on/off, freeze, the view, blend, split position, the temporal settings
 * (reprojection, stabilizer) and the inference height with its adaptive frame-rate target.
 */
import { StylizationViews } from "../options.js";
import { checkbox, el, row, section, slider } from "./dom.js";
import type { PanelContext } from "./panelContext.js";

export function buildDisplaySection(ctx: PanelContext): HTMLElement {
    const st = ctx.stylization;
    const views = el("div", { class: "buttons", "data-control": "view" });
    for (const view of StylizationViews) {
        const button = el("button", { text: view, "data-view": view, "aria-pressed": "false" });
        button.addEventListener("click", () => ctx.attempt(() => ((st.view = view), ctx.save())));
        ctx.syncs.push(() => button.setAttribute("aria-pressed", String(st.view === view)));
        views.append(button);
    }
    const height = el("input", { type: "number", min: 8, max: 4096, step: 8, "data-control": "targetHeight" });
    height.addEventListener("change", () => ctx.attempt(() => ((st.targetHeight = Number(height.value)), ctx.save())));
    ctx.syncs.push(() => {
        if (!ctx.focused(height)) {
            height.value = String(st.targetHeight);
        }
    });
    const fps = el("input", { type: "number", min: 0, max: 240, step: 1, "data-control": "targetFps" });
    fps.addEventListener("change", () => ctx.attempt(() => ((st.targetFps = Number(fps.value)), ctx.save())));
    ctx.syncs.push(() => {
        if (!ctx.focused(fps)) {
            fps.value = String(st.targetFps);
        }
    });
    const size = el("span", { class: "muted", "data-field": "inferenceSize" });
    ctx.syncs.push(() => {
        const s = st.stats;
        size.textContent = st.model?.fixedHeight ? ` fixed ${s.inferenceWidth}x${s.inferenceHeight}` : ` → ${s.inferenceWidth}x${s.inferenceHeight}`;
    });
    return section(
        "Display",
        "display",
        true,
        row(
            "stylization on",
            checkbox(
                ctx,
                "enabled",
                () => st.enabled,
                (v) => (st.enabled = v)
            )
        ),
        row(
            "freeze frame",
            checkbox(
                ctx,
                "frozen",
                () => st.frozen,
                (v) => (st.frozen = v)
            )
        ),
        row("view", views),
        row(
            "blend",
            slider(
                ctx,
                "blend",
                0,
                1,
                0.01,
                () => st.blend,
                (v) => ((st.blend = v), ctx.save())
            )
        ),
        row(
            "split position",
            slider(
                ctx,
                "splitPosition",
                0,
                1,
                0.01,
                () => st.splitPosition,
                (v) => ((st.splitPosition = v), ctx.save())
            )
        ),
        row(
            "follow the camera",
            checkbox(
                ctx,
                "reproject",
                () => st.temporal.reproject,
                (v) => ((st.temporal = { reproject: v }), ctx.save())
            )
        ),
        row(
            "stabilizer",
            slider(
                ctx,
                "history",
                0,
                0.95,
                0.05,
                () => st.temporal.history,
                (v) => ((st.temporal = { history: v }), ctx.save())
            )
        ),
        row("inference height", el("div", {}, height, size)),
        row("target fps (0: fixed height)", fps)
    );
}
