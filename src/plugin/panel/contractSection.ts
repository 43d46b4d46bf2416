/**
 * The "Preprocessing contract" section: every field of the contract, each marked with where its value comes from
 * (the model's metadata, the default, or an override made here), and a button back to the model's own contract.
 */
import { ChannelOrders, ColorSpaces, InputRanges, OutputRanges, ResizeFilters, type PreprocessConfig, type Vec3 } from "../contract/preprocessConfig.js";
import { checkbox, el, row, section, select } from "./dom.js";
import type { PanelContext } from "./panelContext.js";

export function buildContractSection(ctx: PanelContext): HTMLElement {
    const st = ctx.stylization;
    let overrides: Partial<PreprocessConfig> = {};
    // Registered before the markers' syncs: one copy for every field's origin marker per refresh.
    ctx.syncs.push(() => (overrides = st.preprocessOverrides));
    const origin = (field: keyof PreprocessConfig): HTMLElement => {
        const marker = el("span", { class: "origin", "data-origin": field });
        ctx.syncs.push(() => {
            const overridden = field in overrides;
            const declared = st.model?.declared[field] !== undefined;
            marker.textContent = overridden ? "override" : declared ? "model" : "default";
            marker.classList.toggle("override", overridden);
        });
        return marker;
    };
    const set =
        <K extends keyof PreprocessConfig>(field: K) =>
        (value: PreprocessConfig[K]) => {
            st.preprocess = { [field]: value } as Partial<PreprocessConfig>;
            ctx.save();
            ctx.scheduleCompare();
        };
    const get =
        <K extends keyof PreprocessConfig>(field: K) =>
        () =>
            st.preprocess[field];
    const vector = (field: "mean" | "std") => {
        const inputs = [0, 1, 2].map((c) => el("input", { type: "number", step: 0.001, "data-control": `${field}${c}`, "aria-label": `${field} ${"RGB"[c]}` }));
        for (const input of inputs) {
            input.addEventListener("change", () => ctx.attempt(() => set(field)(inputs.map((i) => Number(i.value)) as unknown as Vec3)));
        }
        ctx.syncs.push(() => {
            inputs.forEach((input, c) => {
                if (!ctx.focused(input)) {
                    input.value = String(st.preprocess[field][c]);
                }
                input.disabled = st.preprocess.inputRange !== "custom";
            });
        });
        return el("div", { class: "vec" }, ...inputs);
    };
    const reset = el("button", { "data-control": "resetPreprocess", text: "use the model's contract" });
    reset.addEventListener("click", () =>
        ctx.attempt(() => (st.resetPreprocess(), ctx.save(), ctx.scheduleCompare()), "overrides dropped: the model's declared contract applies")
    );
    return section(
        "Preprocessing contract",
        "contract",
        true,
        row("input range", select(ctx, "inputRange", InputRanges, get("inputRange"), set("inputRange")), origin("inputRange")),
        row("mean (R,G,B)", vector("mean"), origin("mean")),
        row("std (R,G,B)", vector("std"), origin("std")),
        row("channel order", select(ctx, "channelOrder", ChannelOrders, get("channelOrder"), set("channelOrder")), origin("channelOrder")),
        row("network colour", select(ctx, "colorSpace", ColorSpaces, get("colorSpace"), set("colorSpace")), origin("colorSpace")),
        row("frame colour", select(ctx, "frameColorSpace", ColorSpaces, get("frameColorSpace"), set("frameColorSpace")), origin("frameColorSpace")),
        row("flip rows (flipY)", checkbox(ctx, "flipY", get("flipY"), set("flipY")), origin("flipY")),
        row("resize filter", select(ctx, "resize", ResizeFilters, get("resize"), set("resize")), origin("resize")),
        row("output range", select(ctx, "outputRange", OutputRanges, get("outputRange"), set("outputRange")), origin("outputRange")),
        row("clamp output", checkbox(ctx, "clamp", get("clamp"), set("clamp")), origin("clamp")),
        el("div", { class: "buttons" }, reset)
    );
}
