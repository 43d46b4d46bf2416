/**
 * The models that ship in `models/` (see models/README.md), best first: the demo starts with the first and `M` cycles
 * through them.
 */
export interface ModelEntry {
    /** Shown in the HUD. */
    label: string;
    url: string;
    /** The reference pairs the training recipe exported (the inspector panel diagnoses with them). */
    reference?: string;
}

export const ShippedModels: readonly ModelEntry[] = [
    { label: "oil paint", url: "models/oil-tiny.onnx", reference: "models/reference/oil-tiny.json" },
    { label: "oil paint (few-shot)", url: "models/oil-tiny-fewshot.onnx", reference: "models/reference/oil-tiny-fewshot.json" },
    { label: "stained glass", url: "models/glass-tiny.onnx", reference: "models/reference/glass-tiny.json" },
    // Its reference pair was stylized with the village's depth; the panel's still-image diagnosis feeds a flat guide.
    { label: "oil paint (depth-guided)", url: "models/oil-tiny-depth.onnx" },
    { label: "oil paint (int8, for CPU providers)", url: "models/oil-tiny.int8.onnx", reference: "models/reference/oil-tiny.json" },
    { label: "ink wash", url: "models/ink-wash.onnx" },
];

/** The list the demo cycles: the shipped models, with a `?model=` URL first when it is not one of them. */
export function modelList(requested: string | null): { models: ModelEntry[]; index: number } {
    const models = [...ShippedModels];
    if (!requested) {
        return { models, index: 0 };
    }
    const known = models.findIndex((m) => m.url === requested);
    if (known >= 0) {
        return { models, index: known };
    }
    const label = decodeURIComponent(requested.split("/").pop() ?? requested).replace(/\.onnx$/i, "");
    return { models: [{ label, url: requested }, ...models], index: 0 };
}

/** Inference heights the `R` key cycles through (the width follows the canvas's aspect ratio). */
export const InferenceHeightPresets: readonly number[] = [540, 360, 256, 128];

/**
 * The inference height the demo starts with, so the first impression is fluid: full 540 rows with the WebGPU
 * provider on a hardware GPU; 256 on CPU providers (wasm, webgl) next to a hardware GPU; 128 on a software GPU, where
 * rendering and inference share the same CPU cores (and the WebGPU provider runs far slower than wasm).
 */
export function defaultInferenceHeight(provider: string, gpu: { hardwareWebGpu: boolean; softwareGpu: boolean }): number {
    if (gpu.softwareGpu) {
        return 128;
    }
    return provider === "webgpu" && gpu.hardwareWebGpu ? 540 : 256;
}
