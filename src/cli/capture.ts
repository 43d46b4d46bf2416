/**
 * `babylon-stylize capture <url>`: opens a page in Chromium, records training frames from the scene it exposes with
 * `scene.captureTrainingFrames` (the page imports babylon-stylize, whose side-effect entry adds that method) and
 * writes them to a folder: numbered PNGs, depth/ with --depth, normal/ with --normal, and frames.json.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import type { TrainingManifest } from "../plugin/training/trainingFiles.js";
import { launchChromium } from "./chromium.js";

export const CaptureUsage = `usage: babylon-stylize capture <url> [--out frames] [--count 100] [--every 1] [--size <height>|<width>x<height>]
      [--depth] [--normal] [--scene <expression>] [--each <expression>] [--viewport 640x360] [--overwrite]
      [--software-gpu] [--chromium <path>] [--timeout <seconds>]
  --depth, --normal  also record each frame's view distances (depth/) and view-space normals (normal/), for a
           guided generator
  --scene  a JavaScript expression that gives the page's scene once it is ready (default: scene, i.e. window.scene)
  --each   a JavaScript expression run before each frame, with i the frame's index (e.g. "game.teleport(i)");
           a promise it returns is awaited
  --timeout  seconds to wait for the scene, and again for the recording (default 300)`;

export class CaptureUsageError extends Error {
    public override name = "UsageError";
}

export interface CaptureCommand {
    url: string;
    out: string;
    count: number;
    every: number;
    size?: number | { width: number; height: number };
    depth: boolean;
    normal?: boolean;
    scene: string;
    each?: string;
    viewport: { width: number; height: number };
    overwrite: boolean;
    softwareGpu: boolean;
    chromium?: string;
    timeoutMs: number;
}

function size(text: string, name: string): { width: number; height: number } {
    const match = /^(\d+)x(\d+)$/.exec(text);
    if (!match) {
        throw new CaptureUsageError(`${name} is ${JSON.stringify(text)}; expected <width>x<height>, e.g. 640x360`);
    }
    return { width: Number(match[1]), height: Number(match[2]) };
}

function whole(text: string | undefined, name: string, min: number): number {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) {
        throw new CaptureUsageError(`${name} is ${JSON.stringify(text)}; expected a whole number >= ${min}`);
    }
    return n;
}

export function parseCaptureArgs(args: string[]): CaptureCommand {
    let parsed;
    try {
        parsed = parseArgs({
            args,
            allowPositionals: true,
            options: {
                out: { type: "string", default: "frames" },
                count: { type: "string", default: "100" },
                every: { type: "string", default: "1" },
                size: { type: "string" },
                depth: { type: "boolean", default: false },
                normal: { type: "boolean", default: false },
                scene: { type: "string", default: "scene" },
                each: { type: "string" },
                viewport: { type: "string", default: "640x360" },
                overwrite: { type: "boolean", default: false },
                "software-gpu": { type: "boolean", default: false },
                chromium: { type: "string" },
                timeout: { type: "string", default: "300" },
            },
        });
    } catch (error) {
        throw new CaptureUsageError(`${(error as Error).message}\n${CaptureUsage}`);
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 1) {
        throw new CaptureUsageError(CaptureUsage);
    }
    const url = positionals[0];
    if (!/^(https?|file):\/\//.test(url)) {
        throw new CaptureUsageError(`${JSON.stringify(url)} is not a page address (http://, https:// or file://)`);
    }
    return {
        url,
        out: values.out,
        count: whole(values.count, "--count", 1),
        every: whole(values.every, "--every", 1),
        size: values.size === undefined ? undefined : values.size.includes("x") ? size(values.size, "--size") : whole(values.size, "--size", 8),
        depth: values.depth,
        normal: values.normal,
        scene: values.scene,
        each: values.each,
        viewport: size(values.viewport, "--viewport"),
        overwrite: values.overwrite,
        softwareGpu: values["software-gpu"],
        chromium: values.chromium,
        timeoutMs: whole(values.timeout, "--timeout", 1) * 1000,
    };
}

/** The folders of the guide maps, as captureTrainingFrames names its guides. */
const GuideFolders = ["depth", "normal"] as const;

/** Empties `out` of an earlier recording (with `overwrite`), or refuses to mix two. */
function prepareFolder(out: string, overwrite: boolean): void {
    GuideFolders.forEach((g) => fs.mkdirSync(path.join(out, g), { recursive: true }));
    const earlier = [
        ...fs.readdirSync(out).filter((f) => f.endsWith(".png") || f === "frames.json"),
        ...GuideFolders.flatMap((g) => fs.readdirSync(path.join(out, g)).map((f) => path.join(g, f))),
    ];
    if (earlier.length && !overwrite) {
        throw new CaptureUsageError(`${out}/ already holds a recording (${earlier[0]}, …); choose an empty folder or pass --overwrite`);
    }
    earlier.forEach((f) => fs.rmSync(path.join(out, f)));
}

/**
 * Runs in the page (as source text, so no bundler helper leaks into it): records with the page's own plugin and
 * hands each frame to the exposed `save` binding as base64.
 */
const PageRecorder = `async ({ sceneExpression, each, options, save }) => {
    const scene = (0, eval)(sceneExpression);
    if (!scene || typeof scene.captureTrainingFrames !== "function") {
        throw new Error("the page's scene (" + sceneExpression + ") has no captureTrainingFrames: the page must import babylon-stylize (its side-effect entry adds the method), or pass --scene <expression> that gives the scene");
    }
    const base64 = (bytes) => {
        let text = "";
        for (let i = 0; i < bytes.length; i += 0x8000) {
            text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
        }
        return btoa(text);
    };
    const prepare = each ? new Function("i", "return (" + each + ");") : undefined;
    const set = await scene.captureTrainingFrames({
        ...options,
        prepare,
        onFrame: (frame) =>
            window[save](frame.file, base64(frame.png), {
                depth: frame.depthPng ? base64(frame.depthPng) : undefined,
                normal: frame.normalPng ? base64(frame.normalPng) : undefined,
            }),
    });
    return set.manifest;
}`;

/** Records frames from the page at `command.url`; `log` hears progress. Returns the manifest written. */
export async function capturePage(command: CaptureCommand, log: (line: string) => void = () => undefined): Promise<TrainingManifest> {
    prepareFolder(command.out, command.overwrite); // before Chromium starts: a wrong folder fails at once
    const browser = await launchChromium({ softwareGpu: command.softwareGpu, executablePath: command.chromium });
    try {
        const page = await browser.newPage({ viewport: command.viewport });
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(String(e)));
        await page.goto(command.url);
        return await recordFromPage(page, command, log, errors);
    } finally {
        await browser.close();
    }
}

/** Records from an open page (`capturePage` opens one; the demo's capture-frames drives its own). */
export async function recordFromPage(
    page: Page,
    command: Omit<CaptureCommand, "url" | "viewport" | "softwareGpu" | "chromium">,
    log: (line: string) => void = () => undefined,
    errors: string[] = []
): Promise<TrainingManifest> {
    prepareFolder(command.out, command.overwrite);
    const sceneExpression = command.scene;
    try {
        await page.waitForFunction(
            (expression) => {
                try {
                    return !!(0, eval)(expression);
                } catch {
                    return false;
                }
            },
            sceneExpression,
            { timeout: command.timeoutMs, polling: 200 }
        );
    } catch {
        const seen = errors.length ? ` (the page reported: ${errors.join("; ")})` : "";
        throw new Error(`the page never exposed a scene as ${JSON.stringify(sceneExpression)} within ${command.timeoutMs / 1000} s${seen}`);
    }
    const started = Date.now();
    let saved = 0;
    const save = `__babylonStylizeSave${Math.floor(Math.random() * 1e9)}`;
    await page.exposeFunction(save, (file: string, png: string, maps: Partial<Record<(typeof GuideFolders)[number], string>>) => {
        fs.writeFileSync(path.join(command.out, file), Buffer.from(png, "base64"));
        for (const guide of GuideFolders) {
            if (maps[guide]) {
                fs.writeFileSync(path.join(command.out, guide, file), Buffer.from(maps[guide], "base64"));
            }
        }
        if (++saved % 20 === 0 || saved === command.count) {
            log(`${saved}/${command.count} frames (${((Date.now() - started) / saved).toFixed(0)} ms each)`);
        }
    });
    const guides = GuideFolders.filter((g) => (g === "depth" ? command.depth : command.normal));
    const options = { count: command.count, every: command.every, size: command.size, guides };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`recording took longer than ${command.timeoutMs / 1000} s (--timeout)`)), command.timeoutMs);
    });
    try {
        const recording = page
            .evaluate(`(${PageRecorder})(${JSON.stringify({ sceneExpression, each: command.each, options, save })})`)
            .catch((error: Error) => {
                // The page's own message, without Playwright's wrapping and the page-side stack.
                throw new Error(error.message.replace(/^page\.evaluate: (\w*Error: )?/, "").split("\n    at ")[0]);
            });
        const manifest = (await Promise.race([recording, timeout])) as TrainingManifest;
        GuideFolders.filter((g) => !guides.includes(g)).forEach((g) => fs.rmSync(path.join(command.out, g), { recursive: true, force: true }));
        fs.writeFileSync(path.join(command.out, "frames.json"), JSON.stringify(manifest, null, 1));
        return manifest;
    } finally {
        clearTimeout(timer);
    }
}
