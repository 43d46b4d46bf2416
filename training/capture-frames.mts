/**
 * Fallback frame capture for the training recipe, for when `npm run capture-frames` is not available: opens the
 * built demo (`dist-demo/`, `npm run build:demo`) unstylized on WebGL2 and saves numbered PNGs while the active
 * camera orbits the level. Deterministic camera path; the level's own animations keep running.
 *
 *   xvfb-run -a npx tsx training/capture-frames.mts [--out training/data/frames] [--count 100] [--size 320x240]
 */
import fs from "node:fs";
import path from "node:path";
import { openBrowser, openDemo } from "../test/browser/chromium.js";

function arg(name: string, fallback: string): string {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const out = path.resolve(arg("out", "training/data/frames"));
const count = Number(arg("count", "100"));
const [width, height] = arg("size", "320x240").split("x").map(Number);
fs.mkdirSync(out, { recursive: true });

const session = await openBrowser();
try {
    process.env.VIEW_W = String(width);
    process.env.VIEW_H = String(height);
    const demo = await openDemo(session, { stylize: "0", hud: "0", engine: "webgl", size: `${width}x${height}` });
    for (let i = 0; i < count; i++) {
        const t = i / count;
        await demo.page.evaluate(
            (t) =>
                new Promise<void>((resolve) => {
                    const scene = (window as any).demo.scene;
                    const camera = scene.activeCamera;
                    if ("alpha" in camera && "radius" in camera) {
                        // An orbit: once around, rising and falling, moving in and out.
                        camera.alpha = -Math.PI / 3 + t * 2 * Math.PI;
                        camera.beta = 1.05 + 0.2 * Math.sin(t * 6 * Math.PI);
                        camera.radius = 10 + 3 * Math.sin(t * 4 * Math.PI + 1);
                    } else {
                        const r = 10 + 2 * Math.sin(t * 4 * Math.PI);
                        camera.position.set(r * Math.cos(t * 2 * Math.PI), 3 + Math.sin(t * 6 * Math.PI), r * Math.sin(t * 2 * Math.PI));
                        camera.setTarget?.(camera.position.scale(0).add({ x: 0, y: 1, z: 0 }));
                    }
                    let frames = 0;
                    const obs = scene.onAfterRenderObservable.add(() => {
                        if (++frames === 3) {
                            scene.onAfterRenderObservable.remove(obs);
                            resolve();
                        }
                    });
                }),
            t
        );
        await demo.page.screenshot({ path: path.join(out, `frame_${String(i).padStart(4, "0")}.png`), clip: { x: 0, y: 0, width, height } });
        process.stderr.write(`\r${i + 1}/${count}`);
    }
    process.stderr.write("\n");
    if (demo.errors.length) {
        console.warn(`page errors: ${demo.errors.join("; ")}`);
    }
} finally {
    await session.close();
}
