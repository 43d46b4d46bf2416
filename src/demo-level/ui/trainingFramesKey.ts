/**
 * The `F` key: records training frames of the level as a game developer would from their own game
 * (`scene.captureTrainingFrames`) and saves them as a zip download, with progress and errors on the overlay.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Overlay } from "./overlay.js";

export interface FrameRecording {
    /** Frames to record. */
    count: number;
    /** Rendered frames between two. */
    every: number;
    /** The zip's file name. */
    fileName: string;
}

export const DefaultRecording: FrameRecording = { count: 100, every: 10, fileName: "village-frames.zip" };

/** Records and downloads; resolves once the zip is handed to the browser (or the failure shown). */
export function recordTrainingFrames(scene: Scene, overlay: Overlay, recording: FrameRecording = DefaultRecording): Promise<void> {
    const { count, every, fileName } = recording;
    overlay.showMessage(`recording ${count} training frames, one every ${every} rendered frames…`, "notice", 60_000);
    return scene
        .captureTrainingFrames({
            count,
            every,
            size: 240,
            guides: ["depth"],
            onFrame: (frame) => overlay.showMessage(`recording training frames: ${frame.index + 1}/${count}`, "notice", 60_000),
        })
        .then(async (frames) => {
            await frames.download(fileName);
            overlay.showMessage(`saved ${fileName}: ${count} frames with depth and frames.json, ready for training/recipe.py`, "notice", 5000);
        })
        .catch((error: Error) => overlay.showMessage(`recording training frames failed: ${error.message}`, "error", 8000));
}
