import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import type { ModelSource } from "./model/loadModel.js";
import type { StylizationOptions } from "./options.js";
import type { Stylization } from "./stylization.js";
import type { TrainingCaptureOptions } from "./training/trainingFrames.js";
import type { TrainingFrameSet } from "./training/trainingFiles.js";

declare module "@babylonjs/core/scene.js" {
    interface Scene {
        /** @internal */
        _stylizations?: Map<Camera, Stylization>;
        /**
         * The stylization of the active camera, or else the most recently enabled one; null when none is enabled.
         */
        readonly stylization: Stylization | null;
        /**
         * Stylizes every frame of a camera with an image-to-image ONNX generator. Enabling again on the same camera
         * replaces the previous stylization. Resolves once the model runs; rejects with a `StylizationError` and
         * leaves the scene as it was (no handle, no post process; the scene keeps rendering the original frames).
         * @example
         * ```ts
         * import "babylon-stylize";
         * const stylization = await scene.enableStylization("models/mosaic.onnx", { targetHeight: 360 });
         * stylization.preprocess.inputRange = "[-1,1]";
         * ```
         */
        enableStylization(model: ModelSource, options?: StylizationOptions): Promise<Stylization>;
        /** Removes the stylization of `camera`, or of every camera when omitted. A no-op when none is enabled. */
        disableStylization(camera?: Camera): void;
        /**
         * Records unstylized frames as a stylization of the camera would see them, for training a generator on this
         * game (see `captureTrainingFrames`).
         * @example
         * ```ts
         * const frames = await scene.captureTrainingFrames({ count: 200, every: 10, size: 240, guides: ["depth"] });
         * await frames.download("my-level.zip"); // PNGs, depth/ and frames.json for training/recipe.py
         * ```
         */
        captureTrainingFrames(options?: TrainingCaptureOptions): Promise<TrainingFrameSet>;
    }
}
