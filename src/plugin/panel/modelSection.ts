/** The "Model" section: the model list, a file picker, the execution provider and what the loaded model is. */
import { modelSourceName } from "../model/loadModel.js";
import type { ExecutionProviderOption } from "../options.js";
import { el, row, section } from "./dom.js";
import type { InspectedStylization } from "./inspectedStylization.js";
import type { InspectorModelEntry } from "./inspectorOptions.js";
import type { PanelContext } from "./panelContext.js";
import { ExecutionProviderOptions } from "../infer/executionProvider.js";

/** The index in `models` of the loaded model (matched by file name), if it is one of them. */
export function currentModelIndex(stylization: InspectedStylization, models: readonly InspectorModelEntry[] = []): number | undefined {
    const name = stylization.model?.name;
    const index = models.findIndex((m) => modelSourceName(m.url) === name);
    return index >= 0 ? index : undefined;
}

export function buildModelSection(ctx: PanelContext): HTMLElement {
    const st = ctx.stylization;
    const options = ctx.options;
    const models = options.models ?? [];
    const modelSelect = el(
        "select",
        { "data-control": "model" },
        el("option", { value: "", text: "(loaded model)" }),
        ...models.map((m, i) => el("option", { value: String(i), text: m.label }))
    );
    modelSelect.addEventListener("change", () => {
        const entry = models[Number(modelSelect.value)];
        if (!entry) {
            return;
        }
        ctx.setStatus(`loading ${entry.label}…`);
        ctx.attempt(() => (options.selectModel ? options.selectModel(entry) : st.setModel(entry.url)), `model: ${entry.label}`);
    });
    ctx.syncs.push(() => {
        if (!ctx.focused(modelSelect)) {
            modelSelect.value = String(currentModelIndex(st, options.models) ?? "");
        }
    });
    const file = el("input", { type: "file", accept: ".onnx", "data-control": "model-file" });
    file.addEventListener("change", () => {
        const chosen = file.files?.[0];
        if (chosen) {
            ctx.setStatus(`loading ${chosen.name}…`);
            ctx.attempt(async () => st.setModel(new Uint8Array(await chosen.arrayBuffer()), { name: chosen.name }), `model: ${chosen.name}`);
        }
    });
    const provider = el("select", { "data-control": "executionProvider" }, ...ExecutionProviderOptions.map((v) => el("option", { value: v, text: v })));
    ctx.syncs.push(() => {
        if (!ctx.focused(provider)) {
            provider.value = st.requestedExecutionProvider;
        }
    });
    provider.addEventListener("change", () => {
        const model = st.model;
        if (!model) {
            return;
        }
        ctx.setStatus(`recreating the session on ${provider.value}…`);
        ctx.attempt(
            () => st.setModel(model.bytes, { executionProvider: provider.value as ExecutionProviderOption, name: model.name }),
            `running on ${provider.value}`
        );
    });
    const running = el("span", { class: "muted", "data-field": "running" });
    ctx.syncs.push(() => {
        const s = st.stats;
        running.textContent = s.executionProvider ? ` running: ${s.executionProvider}${s.zeroCopy ? " (zero-copy)" : " (readback)"}` : " no session";
    });
    const about = el("div", { class: "muted", "data-field": "modelInfo" });
    ctx.syncs.push(() => {
        const m = st.model;
        about.textContent = m
            ? `${m.name}: ${(m.bytes.byteLength / 1024).toFixed(0)} KB, input ${m.fixedWidth && m.fixedHeight ? `${m.fixedWidth}x${m.fixedHeight}` : "any size"}${m.warnings.length ? ` — ${m.warnings.join(" ")}` : ""}`
            : "no model loaded";
    });
    return section(
        "Model",
        "model",
        false,
        row("model", modelSelect),
        row("open file", file),
        row("execution provider", el("div", {}, provider, running)),
        about
    );
}
