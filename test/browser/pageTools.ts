/** Helpers that run inside the demo page (through page.evaluate) or read what it shows. */
import type { Page } from "playwright-core";
import { PNG } from "pngjs";
import type { PreprocessConfig } from "../../src/plugin/contract/preprocessConfig";
import type { RgbaFrame } from "../../src/plugin/contract/cpuReference";

/** Waits until `count` more frames have been stylized and presented (the result shows one frame after it arrives). */
export async function waitForStylizedFrames(page: Page, count = 1, timeout = 60_000): Promise<void> {
    await page.evaluate(
        ({ count, timeout }) =>
            new Promise<void>((resolve, reject) => {
                const demo = (window as any).demo;
                const st = demo.stylization;
                const target = st.stats.framesStylized + count;
                const timer = setTimeout(
                    () => reject(new Error(`no stylized frame within ${timeout} ms: ${JSON.stringify(st.stats)} ${st.lastError}`)),
                    timeout
                );
                const check = () => {
                    if (st.stats.framesStylized >= target && st.showingStylized) {
                        // Two more rendered frames: one presents the result, one draws it.
                        let frames = 0;
                        const obs = demo.scene.onAfterRenderObservable.add(() => {
                            if (++frames === 2) {
                                demo.scene.onAfterRenderObservable.remove(obs);
                                clearTimeout(timer);
                                resolve();
                            }
                        });
                    } else {
                        setTimeout(check, 20);
                    }
                };
                check();
            }),
        { count, timeout }
    );
}

/** Waits for `count` rendered frames. */
export async function waitForFrames(page: Page, count: number): Promise<void> {
    await page.evaluate(
        (count) =>
            new Promise<void>((resolve) => {
                const scene = (window as any).demo.scene;
                let n = 0;
                const obs = scene.onAfterRenderObservable.add(() => {
                    if (++n >= count) {
                        scene.onAfterRenderObservable.remove(obs);
                        resolve();
                    }
                });
            }),
        count
    );
}

/** Sets preprocessing overrides (replacing earlier ones), lets a new frame be stylized, then freezes. */
export async function stylizeWith(page: Page, preprocess: Partial<PreprocessConfig>): Promise<void> {
    await page.evaluate((preprocess) => {
        const st = (window as any).demo.stylization;
        st.resetPreprocess();
        st.preprocess = preprocess;
        st.frozen = false;
    }, preprocess);
    await waitForStylizedFrames(page, 2);
    await page.evaluate(() => ((window as any).demo.stylization.frozen = true));
    await waitForFrames(page, 2);
}

export async function readTensors(page: Page): Promise<{ input: Float32Array; output: Float32Array }> {
    const { input, output } = await page.evaluate(async () => {
        const st = (window as any).demo.stylization;
        return { input: Array.from(await st.readInputTensor()) as number[], output: Array.from((await st.readOutputTensor()) ?? []) as number[] };
    });
    return { input: new Float32Array(input), output: new Float32Array(output) };
}

/** The canvas pixels as shown on screen (RGBA, rows top-down), from a screenshot of the canvas area. */
export async function screenPixels(page: Page, width: number, height: number): Promise<Uint8Array> {
    const png = PNG.sync.read(await page.screenshot({ clip: { x: 0, y: 0, width, height }, animations: "disabled", caret: "initial" }));
    if (png.width !== width || png.height !== height) {
        throw new Error(`screenshot is ${png.width}x${png.height}, expected ${width}x${height}`);
    }
    return new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength);
}

/** Largest absolute difference of two arrays over their RGB channels (alpha ignored when `rgba`). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, rgba = false): number {
    if (a.length !== b.length) {
        throw new Error(`length ${a.length} != ${b.length}`);
    }
    let max = 0;
    for (let i = 0; i < a.length; i++) {
        if (rgba && i % 4 === 3) {
            continue;
        }
        max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
}

/** Largest RGB difference of two RGBA images `width` pixels wide, over the pixels `where` accepts (all by default). */
export function maxPixelDiff(a: Uint8Array, b: Uint8Array, width: number, where: (x: number, y: number) => boolean = () => true): number {
    let max = 0;
    for (let i = 0; i < a.length; i += 4) {
        const p = i / 4;
        for (let c = 0; c < 3 && where(p % width, Math.floor(p / width)); c++) {
            max = Math.max(max, Math.abs(a[i + c] - b[i + c]));
        }
    }
    return max;
}

/** A planar RGB tensor of [0,1] values (an identity capture) as an RGBA float frame for the CPU reference. */
export function frameFromPlanar(t: Float32Array, width: number, height: number): RgbaFrame {
    const plane = width * height;
    const data = new Float32Array(plane * 4);
    for (let i = 0; i < plane; i++) {
        data.set([t[i], t[plane + i], t[2 * plane + i], 1], i * 4);
    }
    return { data, width, height };
}
