/**
 * The GPU objects a temporal filter needs on one camera, and their reuse. Babylon's WebGPU engine never frees an
 * effect's leftover uniform buffer when the effect goes (as for the composite: see stylizationPostProcess.ts), so a
 * kit outlives its filter and serves the next one on the camera; the camera's disposal frees it.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import { DepthCopy } from "./depthCopy.js";
import { MotionChains } from "./motionChains.js";
import { TemporalPass } from "./temporalPass.js";

export interface TemporalKit {
    copy: DepthCopy;
    chains: MotionChains;
    pass: TemporalPass;
}

/** One idle kit per camera. */
const idleKits = new WeakMap<Camera, TemporalKit>();

function disposeKit(kit: TemporalKit): void {
    kit.copy.dispose();
    kit.chains.dispose();
    kit.pass.dispose();
}

/** The camera's idle kit, or a new one. */
export function acquireKit(scene: Scene, camera: Camera): TemporalKit {
    const idle = idleKits.get(camera);
    if (idle) {
        idleKits.delete(camera);
        return idle;
    }
    const engine = scene.getEngine();
    const kit = { copy: new DepthCopy(engine), chains: new MotionChains(engine), pass: new TemporalPass(engine) };
    camera.onDisposeObservable.addOnce(() => {
        if (idleKits.get(camera) === kit) {
            idleKits.delete(camera);
        }
        disposeKit(kit);
    });
    return kit;
}

/** Keeps `kit` idle for the camera's next filter, its frame-sized targets freed; a second idle kit is disposed. */
export function releaseKit(camera: Camera, kit: TemporalKit): void {
    if (idleKits.has(camera)) {
        disposeKit(kit); // one idle kit per camera is enough (two filters overlapped on it)
        return;
    }
    kit.chains.releaseTargets();
    kit.pass.releaseTargets();
    idleKits.set(camera, kit);
}
