/**
 * Soak: the demo level along its camera path with stylization on for SOAK_MINUTES (default 10), swapping the model
 * every 30 s through the shipped generators, and sampling every minute what could leak: the JS heap after a garbage
 * collection, the page's memory (measureUserAgentSpecificMemory), live GPU buffers and textures (counted at the
 * WebGL API), Babylon's textures, the plugin's open onnxruntime sessions. Writes bench/report/soak.md.
 *
 *   npm run bench:soak      (needs the demo built; WebGL2 + wasm, the demo's path on this machine)
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openBrowser, openDemo } from "../test/browser/chromium";

const Minutes = Number(process.env.SOAK_MINUTES ?? 10);
const SwapSeconds = 30;
const Models = ["models/oil-tiny.onnx", "models/oil-tiny-fewshot.onnx", "models/glass-tiny.onnx"];
const here = path.dirname(fileURLToPath(import.meta.url));

interface Sample {
    minute: number;
    heapMB: number;
    pageMB: number | null;
    buffers: number;
    textures: number;
    framebuffers: number;
    babylonTextures: number;
    openSessions: number;
    framesStylized: number;
    fps: number;
    model: string;
}

async function main(): Promise<void> {
    const session = await openBrowser({ args: ["--js-flags=--expose-gc"] });
    const demo = await openDemo(session, { engine: "webgl", ep: "wasm", path: "1", hud: "0", height: "128", model: Models[0] }, 180_000, {
        width: 480,
        height: 360,
    });
    await demo.page.waitForFunction(() => (window as any).demo.stylization?.stats.framesStylized > 0, null, { timeout: 180_000 });
    // tsx keeps function names with a helper the page does not have.
    await demo.page.evaluate("window.__name = (f) => f");
    await demo.page.evaluate(() => {
        const { engine } = (window as any).demo;
        const gl = engine._gl;
        const live = { buffers: new Set(), textures: new Set(), framebuffers: new Set() };
        const track = (create: string, remove: string, set: Set<unknown>) => {
            const made = gl[create].bind(gl);
            const gone = gl[remove].bind(gl);
            gl[create] = (...args: unknown[]) => {
                const object = made(...args);
                set.add(object);
                return object;
            };
            gl[remove] = (object: unknown) => (set.delete(object), gone(object));
        };
        track("createBuffer", "deleteBuffer", live.buffers);
        track("createTexture", "deleteTexture", live.textures);
        track("createFramebuffer", "deleteFramebuffer", live.framebuffers);
        (window as any).__soak = { live, frames: 0 };
        (window as any).demo.scene.onAfterRenderObservable.add(() => (window as any).__soak.frames++);
    });
    const samples: Sample[] = [];
    const started = Date.now();
    let swaps = 0;
    for (let second = 0; second <= Minutes * 60; second += SwapSeconds) {
        if (second > 0) {
            await new Promise((r) => setTimeout(r, started + second * 1000 - Date.now()));
            const model = Models[++swaps % Models.length];
            await demo.page.evaluate((model) => (window as any).demo.stylization.setModel(model), model);
        }
        if (second % 60 === 0) {
            const sample = await demo.page.evaluate(async () => {
                const w = window as any;
                const { engine, stylization, api } = w.demo;
                w.gc?.();
                const memory = (performance as any).measureUserAgentSpecificMemory ? await (performance as any).measureUserAgentSpecificMemory() : null;
                const frames = w.__soak.frames;
                w.__soak.frames = 0;
                return {
                    heapMB: (performance as any).memory.usedJSHeapSize / 1e6,
                    pageMB: memory ? memory.bytes / 1e6 : null,
                    buffers: w.__soak.live.buffers.size,
                    textures: w.__soak.live.textures.size,
                    framebuffers: w.__soak.live.framebuffers.size,
                    babylonTextures: engine.getLoadedTexturesCache().length,
                    openSessions: api.StylizationSession.sessionCounts.open,
                    framesStylized: stylization.stats.framesStylized,
                    frames,
                    model: stylization.model.name,
                };
            });
            samples.push({ minute: second / 60, ...sample, fps: second === 0 ? NaN : sample.frames / 60 });
            console.log(JSON.stringify(samples[samples.length - 1]));
        }
    }
    const errors = demo.errors.filter((e) => !/\[stylization\]/.test(e));
    await session.close();
    const [first, last] = [samples[1] ?? samples[0], samples[samples.length - 1]];
    const growth = (key: keyof Sample) => `${(Number(last[key]) - Number(first[key])).toFixed(key.endsWith("MB") ? 1 : 0)}`;
    const report = [
        `# Soak: ${Minutes} minutes along the camera path, a model swap every ${SwapSeconds} s`,
        "",
        `WebGL2 + wasm, inference height 128, 480x360 canvas, ${swaps} swaps through ${Models.join(", ")}. GPU objects are counted at the WebGL API from the first sample on (objects created before it are not counted). Machine: ${process.arch}, SwiftShader.`,
        "",
        "| minute | JS heap MB (after gc) | page memory MB | live GL buffers | live GL textures | live framebuffers | Babylon textures | open ORT sessions | frames stylized | fps | model |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        ...samples.map(
            (s) =>
                `| ${s.minute} | ${s.heapMB.toFixed(1)} | ${s.pageMB?.toFixed(1) ?? "n/a"} | ${s.buffers} | ${s.textures} | ${s.framebuffers} | ${s.babylonTextures} | ${s.openSessions} | ${s.framesStylized} | ${Number.isNaN(s.fps) ? "" : s.fps.toFixed(1)} | ${s.model} |`
        ),
        "",
        `From minute ${first.minute} to ${last.minute}: JS heap ${growth("heapMB")} MB, page memory ${last.pageMB !== null && first.pageMB !== null ? (last.pageMB - first.pageMB).toFixed(1) : "n/a"} MB, GL buffers ${growth("buffers")}, GL textures ${growth("textures")}, framebuffers ${growth("framebuffers")}, Babylon textures ${growth("babylonTextures")}, open sessions ${growth("openSessions")}.`,
        `Console errors other than the plugin's own reports: ${errors.length ? errors.join("; ") : "none"}.`,
        "",
    ].join("\n");
    fs.mkdirSync(path.join(here, "report"), { recursive: true });
    fs.writeFileSync(path.join(here, "report", "soak.md"), report);
    console.log(report);
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
