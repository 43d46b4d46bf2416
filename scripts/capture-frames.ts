/**
 * Drives the demo level in Chromium along its camera path (and, optionally, through random viewpoints) and writes
 * numbered PNG frames: the input of the training recipe. Frames are unstylized unless --stylized is given.
 *
 *   npm run capture-frames -- --out frames --count 200 --width 640 --height 360 [--engine webgl|webgpu]
 *                             [--random 100] [--seed 1] [--start 0] [--step <frames>] [--stylized [--model <url>]] [--depth]
 *
 * Every frame is a still: the path frame (or viewpoint) is held, so camera and animations are exactly those of its
 * index and the same command writes the same pixels. `frames.json` beside the PNGs says where each one came from and
 * where the camera was (position, viewing direction: `recipe.py pick-keyframes` spreads keyframes over them).
 * WebGPU needs a display (presenting a WebGPU canvas headless kills the device): run under `xvfb-run -a`.
 * --depth also writes each frame's view distance as a 16-bit grey PNG of the same name in `depth/` (centimetres, 0
 * where nothing was drawn), the input of a depth-guided generator (training/README.md).
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { PNG } from "pngjs";
import { openBrowser } from "../test/browser/chromium";

const here = path.dirname(fileURLToPath(import.meta.url));

interface CaptureOptions {
    out: string;
    count: number;
    width: number;
    height: number;
    engine: "webgl" | "webgpu";
    random: number;
    seed: number;
    start: number;
    step: number | null;
    stylized: boolean;
    model: string | null;
    depth: boolean;
}

function parseOptions(argv: string[]): CaptureOptions {
    const { values } = parseArgs({
        args: argv,
        options: {
            out: { type: "string", default: "frames" },
            count: { type: "string", default: "100" },
            width: { type: "string", default: "640" },
            height: { type: "string", default: "360" },
            engine: { type: "string", default: "webgl" },
            random: { type: "string", default: "0" },
            seed: { type: "string", default: "1" },
            start: { type: "string", default: "0" },
            step: { type: "string" },
            stylized: { type: "boolean", default: false },
            model: { type: "string" },
            depth: { type: "boolean", default: false },
            help: { type: "boolean", default: false },
        },
    });
    if (values.help) {
        console.log(fs.readFileSync(fileURLToPath(import.meta.url), "utf8").split("*/")[0]);
        process.exit(0);
    }
    const int = (name: string, value: string | undefined, min: number): number => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < min) {
            throw new Error(`--${name} is ${JSON.stringify(value)}; expected an integer >= ${min}`);
        }
        return n;
    };
    if (values.engine !== "webgl" && values.engine !== "webgpu") {
        throw new Error(`--engine is ${JSON.stringify(values.engine)}; expected webgl or webgpu`);
    }
    return {
        out: values.out!,
        count: int("count", values.count, 0),
        width: int("width", values.width, 16),
        height: int("height", values.height, 16),
        engine: values.engine,
        random: int("random", values.random, 0),
        seed: int("seed", values.seed, 0),
        start: int("start", values.start, 0),
        step: values.step === undefined ? null : int("step", values.step, 1),
        stylized: values.stylized!,
        model: values.model ?? null,
        depth: values.depth!,
    };
}

async function main(): Promise<void> {
    const options = parseOptions(process.argv.slice(2));
    if (!fs.existsSync(path.join(here, "..", "dist-demo", "index.html"))) {
        throw new Error("dist-demo/ is missing: build the demo first (npm run build:demo)");
    }
    if (options.engine === "webgpu" && !process.env.DISPLAY) {
        throw new Error("--engine webgpu needs a display (a WebGPU canvas cannot present headless): run under xvfb-run -a");
    }
    fs.mkdirSync(options.out, { recursive: true });
    const { width, height } = options;
    const session = await openBrowser();
    try {
        const page = await session.browser.newPage({ viewport: { width, height } });
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(String(e)));
        page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
        const query = new URLSearchParams({ engine: options.engine, hud: "0", size: `${width}x${height}`, scale: "1", frame: String(options.start) });
        if (!options.stylized) {
            query.set("stylize", "0");
        } else if (options.model) {
            query.set("model", options.model);
        }
        await page.goto(`${session.baseUrl}/?${query}`);
        await page.waitForFunction(() => !!(window as any).demo, null, { timeout: 180_000, polling: 200 });
        const info = await page.evaluate(() => ({
            loop: (window as any).demo.level.director.path.loopFrames as number,
            error: (window as any).demo.error as string | undefined,
            webgpu: (window as any).demo.engine.isWebGPU as boolean,
        }));
        if (options.stylized && info.error) {
            throw new Error(`stylization did not start: ${info.error}`);
        }
        if ((options.engine === "webgpu") !== info.webgpu) {
            console.warn(`asked for ${options.engine} but the page runs ${info.webgpu ? "WebGPU" : "WebGL2"}`);
        }
        // By default the frames spread evenly over one loop of the path.
        const step = options.step ?? Math.max(1, Math.floor(info.loop / Math.max(1, options.count)));
        const shots: Array<{ kind: "path"; frame: number } | { kind: "viewpoint"; seed: number }> = [];
        for (let i = 0; i < options.count; i++) {
            shots.push({ kind: "path", frame: options.start + i * step });
        }
        for (let i = 0; i < options.random; i++) {
            shots.push({ kind: "viewpoint", seed: options.seed + i });
        }
        const manifest = [];
        const started = Date.now();
        for (let i = 0; i < shots.length; i++) {
            const shot = shots[i];
            if (shot.kind === "path") {
                await page.evaluate((f) => (window as any).demo.goToPathFrame(f), shot.frame);
            } else {
                await page.evaluate((s) => (window as any).demo.goToViewpoint(s), shot.seed);
            }
            if (options.stylized) {
                await waitForFreshStylizedFrame(page);
            }
            const png = PNG.sync.read(await page.screenshot({ clip: { x: 0, y: 0, width, height }, animations: "disabled", caret: "initial" }));
            const file = `${String(i).padStart(5, "0")}.png`;
            fs.writeFileSync(path.join(options.out, file), PNG.sync.write(png));
            if (options.depth) {
                fs.mkdirSync(path.join(options.out, "depth"), { recursive: true });
                fs.writeFileSync(path.join(options.out, "depth", file), await viewDistancePng(page, width, height));
            }
            manifest.push({ file, ...shot, camera: await cameraPose(page) });
            if ((i + 1) % 20 === 0 || i + 1 === shots.length) {
                console.log(`${i + 1}/${shots.length} frames (${((Date.now() - started) / (i + 1)).toFixed(0)} ms each)`);
            }
        }
        const description = { engine: info.webgpu ? "webgpu" : "webgl", width, height, stylized: options.stylized, loopFrames: info.loop, frames: manifest };
        fs.writeFileSync(path.join(options.out, "frames.json"), JSON.stringify(description, null, 1));
        if (errors.length) {
            console.warn(`the page reported errors:\n  ${errors.join("\n  ")}`);
        }
        console.log(`wrote ${shots.length} frames to ${options.out}/`);
    } finally {
        await session.close();
    }
}

/** The held frame's view distance (Babylon's depth renderer, camera-space z) as a 16-bit grey PNG in centimetres. */
async function viewDistancePng(page: import("playwright-core").Page, width: number, height: number): Promise<Buffer> {
    const depth = await page.evaluate(async () => {
        const { scene } = (window as any).demo;
        const map = scene.enableDepthRenderer(scene.activeCamera, false, true, 1, true).getDepthMap();
        scene.render(); // the depth renderer's first frame
        const { width, height } = map.getSize();
        const data = (await map.readPixels()) as Float32Array;
        const channels = data.length / (width * height);
        const rows: number[] = [];
        for (let y = height - 1; y >= 0; y--) {
            for (let x = 0; x < width; x++) {
                rows.push(Math.abs(data[(y * width + x) * channels])); // rows bottom-up in the target
            }
        }
        return { width, height, rows };
    });
    if (depth.width !== width || depth.height !== height) {
        throw new Error(`the depth map is ${depth.width}x${depth.height}, the frame ${width}x${height}: capture at render scale 1`);
    }
    const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 16, inputHasAlpha: false });
    const grey = new Uint16Array(width * height);
    depth.rows.forEach((metres, i) => (grey[i] = Math.min(65535, Math.round(metres * 100))));
    png.data = Buffer.from(grey.buffer) as unknown as Buffer;
    return PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 16, inputHasAlpha: false });
}

/** Where the camera is and looks (world units), for picking keyframes by pose (training/fewshot/keyframes.py). */
async function cameraPose(page: import("playwright-core").Page): Promise<{ position: number[]; forward: number[] }> {
    return page.evaluate(() => {
        const camera = (window as any).demo.scene.activeCamera;
        const m = camera.getViewMatrix().m; // the view matrix's third column is the viewing direction in the world
        // No named functions in here (see waitForFreshStylizedFrame).
        return {
            position: camera.globalPosition.asArray().map((v: number) => Math.round(v * 1e4) / 1e4),
            forward: [m[2], m[6], m[10]].map((v: number) => Math.round(v * 1e4) / 1e4),
        };
    });
}

/** Waits until the stylized image on screen was computed from the frame now held. */
async function waitForFreshStylizedFrame(page: import("playwright-core").Page): Promise<void> {
    // No named functions inside: tsx (esbuild keepNames) would wrap them in a helper the page does not have.
    await page.evaluate(async () => {
        const st = (window as any).demo.stylization;
        // The capture in flight may predate the held frame: wait for two results, then two frames to show the last.
        const target = st.stats.framesStylized + 2;
        while (st.stats.framesStylized < target) {
            await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    });
}

main().catch((error) => {
    console.error(`capture-frames: ${(error as Error).message}`);
    process.exit(1);
});
