/**
 * Registers `scene.enableStylization`, `scene.disableStylization`, `scene.stylization` and `scene.captureTrainingFrames`
 * without side effects on import: call {@link RegisterStylizationSceneComponent} once (it is idempotent).
 */
import { Scene } from "@babylonjs/core/scene.pure.js";
import type { ISceneComponent } from "@babylonjs/core/sceneComponent.js";
import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import type { ModelSource } from "./model/loadModel.js";
import { resolveStylizationOptions, type StylizationOptions } from "./options.js";
import { Stylization } from "./stylization.js";
import { captureTrainingFrames, type TrainingCaptureOptions } from "./training/trainingFrames.js";
import type { TrainingFrameSet } from "./training/trainingFiles.js";
import "./stylizationSceneComponent.types.js";

export const StylizationComponentName = "Stylization";

/** Disposes a scene's stylizations with the scene. */
export class StylizationSceneComponent implements ISceneComponent {
    public readonly name = StylizationComponentName;

    public constructor(public readonly scene: Scene) {}

    public register(): void {}

    public rebuild(): void {}

    public dispose(): void {
        this.scene.disableStylization();
    }
}

let registered = false;

export function RegisterStylizationSceneComponent(): void {
    if (registered) {
        return;
    }
    registered = true;

    Object.defineProperty(Scene.prototype, "stylization", {
        configurable: true,
        get(this: Scene): Stylization | null {
            const all = this._stylizations;
            if (!all || all.size === 0) {
                return null;
            }
            return (this.activeCamera && all.get(this.activeCamera)) || [...all.values()].pop()!;
        },
    });

    Scene.prototype.enableStylization = function (this: Scene, model: ModelSource, options: StylizationOptions = {}): Promise<Stylization> {
        let stylization: Stylization;
        try {
            const resolved = resolveStylizationOptions(options, this.activeCamera);
            if (!this._getComponent(StylizationComponentName)) {
                this._addComponent(new StylizationSceneComponent(this));
            }
            this._stylizations ??= new Map();
            this._stylizations.get(resolved.camera)?.dispose();
            stylization = new Stylization(this, resolved);
            this._stylizations.set(resolved.camera, stylization);
            const map = this._stylizations;
            // However it goes (dispose(), disable, camera disposal), a disposed handle leaves the scene.
            stylization.onDisposeObservable.add(() => {
                if (map.get(stylization.camera) === stylization) {
                    map.delete(stylization.camera);
                }
            });
            // A failed enable leaves the scene as it was: no handle, no pass on the camera.
            return stylization.setModel(model, resolved.download).then(
                () => stylization,
                (error: unknown) => {
                    stylization.dispose();
                    throw error;
                }
            );
        } catch (error) {
            return Promise.reject(error);
        }
    };

    Scene.prototype.captureTrainingFrames = function (this: Scene, options?: TrainingCaptureOptions): Promise<TrainingFrameSet> {
        return captureTrainingFrames(this, options);
    };

    Scene.prototype.disableStylization = function (this: Scene, camera?: Camera): void {
        const all = this._stylizations;
        if (!all) {
            return;
        }
        for (const [cam, stylization] of [...all]) {
            if (!camera || cam === camera) {
                stylization.dispose(); // removes itself from the map
            }
        }
    };
}
