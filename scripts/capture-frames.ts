/**
 * Drives the demo level in Chromium along its camera path (and, optionally, through random viewpoints) and writes
 * numbered PNG frames: the input of the training recipe. Unstylized frames are recorded by the plugin's own
 * `scene.captureTrainingFrames` (what `babylon-stylize capture` runs on any page; this script only says which path
 * frame or viewpoint each one is); --stylized takes screenshots of the stylized screen instead.
 *
 *   npm run capture-frames -- --out frames --count 200 --width 640 --height 360 [--engine webgl|webgpu]
 *                             [--random 100] [--seed 1] [--start 0] [--step <frames>] [--stylized [--model <url>]] [--depth] [--normal]
 *
 * Every frame is a still: the path frame (or viewpoint) is held, so camera and animations are exactly those of its
 * index and the same command writes the same pixels. `frames.json` beside the PNGs says where each one came from and
 * where the camera was (position, viewing direction: `recipe.py pick-keyframes` spreads keyframes over them).
 * With --overwrite an earlier recording in --out is replaced; without it, the script refuses to mix two.
 * WebGPU needs a display (presenting a WebGPU canvas headless kills the device): run under `xvfb-run -a`.
 * --depth also writes each frame's view depth as a 16-bit grey PNG of the same name in `depth/` (centimetres, 0
 * where nothing was drawn), the input of a depth-guided generator (training/README.md); --normal its view-space
 * normals in `normal/` (8-bit RGB, n * 0.5 + 0.5), for a normal-guided one.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { PNG } from "pngjs";
import type { Page } from "playwright-core";
import { openBrowser } from "../test/browser/chromium";
import { recordFromPage } from "../src/cli/capture";

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
    normal: boolean;
    overwrite: boolean;
}

type Shot = { kind: "path"; frame: number } | { kind: "viewpoint"; seed: number };

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
            normal: { type: "boolean", default: false },
            overwrite: { type: "boolean", default: false },
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
    if (values.stylized && (values.depth || values.normal)) {
        throw new Error("--depth and --normal record unstylized frames; leave out --stylized");
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
        normal: values.normal!,
        overwrite: values.overwrite!,
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
        const shots: Shot[] = [];
        for (let i = 0; i < options.count; i++) {
            shots.push({ kind: "path", frame: options.start + i * step });
        }
        for (let i = 0; i < options.random; i++) {
            shots.push({ kind: "viewpoint", seed: options.seed + i });
        }
        const frames = options.stylized ? await screenshotStylized(page, shots, options) : await recordUnstylized(page, shots, options, errors);
        const description = { engine: info.webgpu ? "webgpu" : "webgl", width, height, stylized: options.stylized, loopFrames: info.loop, ...frames };
        fs.writeFileSync(path.join(options.out, "frames.json"), JSON.stringify(description, null, 1));
        if (errors.length) {
            console.warn(`the page reported errors:\n  ${errors.join("\n  ")}`);
        }
        console.log(`wrote ${shots.length} frames to ${options.out}/`);
    } finally {
        await session.close();
    }
}

/** The plugin records each shot (held by the page before it is taken); frames.json gets which shot each frame is. */
async function recordUnstylized(page: Page, shots: Shot[], options: CaptureOptions, errors: string[]): Promise<object> {
    const hold = `((s) => s.kind === "path" ? demo.goToPathFrame(s.frame) : demo.goToViewpoint(s.seed))(${JSON.stringify(shots)}[i])`;
    const manifest = await recordFromPage(
        page,
        {
            out: options.out,
            overwrite: options.overwrite,
            count: shots.length,
            every: 1,
            depth: options.depth,
            normal: options.normal,
            scene: "demo.scene",
            each: hold,
            timeoutMs: 3_600_000,
        },
        (line) => console.log(line),
        errors
    );
    const { engine: _engine, width: _width, height: _height, stylized: _stylized, frames, ...recording } = manifest;
    return { ...recording, frames: frames.map((frame, i) => ({ ...frame, ...shots[i] })) };
}

/** Screenshots of the stylized screen, each once the result of its own held frame shows. */
async function screenshotStylized(page: Page, shots: Shot[], options: CaptureOptions): Promise<object> {
    fs.mkdirSync(options.out, { recursive: true });
    const { width, height } = options;
    const frames = [];
    for (let i = 0; i < shots.length; i++) {
        const shot = shots[i];
        if (shot.kind === "path") {
            await page.evaluate((f) => (window as any).demo.goToPathFrame(f), shot.frame);
        } else {
            await page.evaluate((s) => (window as any).demo.goToViewpoint(s), shot.seed);
        }
        await waitForFreshStylizedFrame(page);
        const png = PNG.sync.read(await page.screenshot({ clip: { x: 0, y: 0, width, height }, animations: "disabled", caret: "initial" }));
        const file = `${String(i).padStart(5, "0")}.png`;
        fs.writeFileSync(path.join(options.out, file), PNG.sync.write(png));
        frames.push({ file, ...shot });
    }
    return { frames };
}

/** Waits until the stylized image on screen was computed from the frame now held. */
async function waitForFreshStylizedFrame(page: Page): Promise<void> {
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
