/**
 * Runs work once per frame for one camera, after its custom render targets (the geometry pass and the like) and before
 * its scene draw and post processes: the moment a pass that reads this frame's targets and feeds the composite runs.
 * The scene also notifies onAfterRenderTargetsRender for its own targets before any camera, hence the flag set when
 * this camera starts rendering.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Camera } from "@babylonjs/core/Cameras/camera.js";

/** Calls `work` after `camera`'s render targets each frame it renders; the returned function stops it. */
export function afterCameraTargets(scene: Scene, camera: Camera, work: () => void): () => void {
    let rendering = false;
    const started = scene.onBeforeCameraRenderObservable.add((current) => (rendering = current === camera));
    const done = scene.onAfterRenderTargetsRenderObservable.add(() => {
        if (rendering) {
            rendering = false;
            work();
        }
    });
    return () => {
        started.remove();
        done.remove();
    };
}
