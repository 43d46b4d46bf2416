/** The demo page's query parameters, parsed and checked in one place. */
import type { DepthRange, ExecutionProviderOption, StylizationPlacement } from "../plugin/index.js";

export interface DemoParams {
    /** `?engine=webgpu|webgl` @defaultValue "webgpu" (falls back to WebGL2 where WebGPU is missing) */
    engine: "webgpu" | "webgl";
    /** `?scene=test`: the static quadrant scene the pipeline tests use instead of the village. */
    scene: "village" | "test";
    /** `?model=<url>` @defaultValue the first shipped model */
    model: string | null;
    /** `?ep=auto|webgpu|webgl|wasm` @defaultValue wasm on a software GPU, else auto */
    ep: ExecutionProviderOption | null;
    /** `?height=<px>` inference height @defaultValue suits the machine (see defaultInferenceHeight) */
    height: number | null;
    /** `?stylize=0` starts without stylization. */
    stylize: boolean;
    /** `?hud=0` hides every overlay (tests and frame captures read the canvas). */
    hud: boolean;
    /** `?size=WxH` fixes the canvas's CSS size. */
    size: { width: number; height: number } | null;
    /** `?path=1` flies the scripted camera path. */
    path: boolean;
    /** `?frame=<i>` holds path frame i (implies the path). */
    frame: number | null;
    /**
     * `?scale=<s>` renders at s times the canvas resolution. @defaultValue full resolution, except on a software GPU
     * where canvases above 640x360 pixels render at 640x360's pixel count (upscaled), to stay interactive
     */
    scale: number | null;
    /** `?temporal=off` shows each result as captured instead of warping it to the camera. @defaultValue on */
    temporal: boolean;
    /** `?history=<0..1>` the temporal stabilizer's weight. @defaultValue 0 (off) */
    history: number;
    /** `?targetFps=<n>` adaptive resolution: the inference height moves to hold n fps. @defaultValue off */
    targetFps: number;
    /** `?stylizeUi=1` paints the GUI (the quest marker) with the scene; by default it stays crisp over it. */
    stylizeUi: boolean;
    /** `?exclude=villager,windmillSails` leaves meshes whose name starts with one of the prefixes unstylized. */
    exclude: string[];
    /**
     * `?depthRange=<near>,<far>,<softness>` stylizes only those view distances (any part may be empty:
     * `?depthRange=30` keeps the foreground crisp, `?depthRange=,30` the distance). @defaultValue everything
     */
    depthRange: DepthRange | null;
    /**
     * `?placement=before|after` adds Babylon's DefaultRenderingPipeline (HDR, bloom, ACES tone mapping, FXAA) and puts
     * the stylization before or after it. @defaultValue no pipeline
     */
    placement: StylizationPlacement | null;
}

export function parseDemoParams(search: string): DemoParams {
    const q = new URLSearchParams(search);
    const number = (name: string): number | null => {
        const raw = q.get(name);
        if (raw === null || raw === "") {
            return null;
        }
        const value = Number(raw);
        return Number.isFinite(value) ? value : null;
    };
    const size = /^(\d+)x(\d+)$/.exec(q.get("size") ?? "");
    const ep = q.get("ep");
    const frame = number("frame");
    const scale = number("scale");
    return {
        engine: q.get("engine") === "webgl" ? "webgl" : "webgpu",
        scene: q.get("scene") === "test" ? "test" : "village",
        model: q.get("model"),
        // Passed through unchecked: the plugin rejects an unknown provider with an error that names it.
        ep: ep as ExecutionProviderOption | null,
        height: number("height"),
        stylize: q.get("stylize") !== "0",
        hud: q.get("hud") !== "0",
        size: size ? { width: Number(size[1]), height: Number(size[2]) } : null,
        path: q.get("path") === "1" || frame !== null,
        frame: frame === null ? null : Math.max(0, Math.floor(frame)),
        scale: scale !== null && scale > 0 ? Math.min(scale, 4) : null,
        temporal: q.get("temporal") !== "off",
        history: Math.min(1, Math.max(0, number("history") ?? 0)),
        targetFps: Math.max(0, number("targetFps") ?? 0),
        stylizeUi: q.get("stylizeUi") === "1",
        exclude: (q.get("exclude") ?? "").split(",").filter((prefix) => prefix !== ""),
        depthRange: parseDepthRange(q.get("depthRange")),
        placement: q.get("placement") === "before" ? "before" : q.get("placement") === "after" ? "after" : null,
    };
}

/** `near,far,softness`, each part optional; the plugin checks the numbers (and names a bad one). */
function parseDepthRange(raw: string | null): DepthRange | null {
    if (!raw) {
        return null;
    }
    const [near, far, softness] = raw.split(",").map((part) => (part.trim() === "" ? undefined : Number(part)));
    return Object.fromEntries(Object.entries({ near, far, softness }).filter(([, value]) => value !== undefined));
}
