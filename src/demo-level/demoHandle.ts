/** `window.demo`: what tests, frame capture and the console reach in the running demo. */
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine.js";
import type { Scene } from "@babylonjs/core/scene.js";
import type * as api from "../plugin/index.js";
import type { Stylization } from "../plugin/index.js";
import type { LevelDirector } from "./controls/levelDirector.js";
import type { AdvancedDynamicTexture } from "@babylonjs/gui/2D/advancedDynamicTexture.js";
import type { Rectangle } from "@babylonjs/gui/2D/controls/rectangle.js";
import type { TextBlock } from "@babylonjs/gui/2D/controls/textBlock.js";
import type { FrameRecording } from "./ui/trainingFramesKey.js";
import type { DefaultRenderingPipeline } from "@babylonjs/core/PostProcesses/RenderPipeline/Pipelines/defaultRenderingPipeline.js";

export interface DemoHandle {
    engine: AbstractEngine;
    scene: Scene;
    /** The current stylization handle; null with `?stylize=0` until `T` turns it on. */
    stylization: Stylization | null;
    /** The plugin's exports (error classes, helpers). */
    api: typeof api;
    /** The Babylon GUI classes the level uses (the quest marker), for tests and the console. */
    gui: { AdvancedDynamicTexture: typeof AdvancedDynamicTexture; Rectangle: typeof Rectangle; TextBlock: typeof TextBlock };
    /** The camera's DefaultRenderingPipeline with `?placement=before|after`. */
    pipeline?: DefaultRenderingPipeline;
    /** "Name: message" of the error that stopped stylization from starting, if any. */
    error?: string;
    /** The village's camera and clock (absent with `?scene=test`). */
    level?: { director: LevelDirector };
    /** Holds path frame `frame` (camera and animations); resolves once it has been rendered. Village only. */
    goToPathFrame?: (frame: number) => Promise<void>;
    /** Holds random viewpoint `seed` (a free spot, random heading and time); resolves once rendered. Village only. */
    goToViewpoint?: (seed: number) => Promise<void>;
    /** Records training frames and downloads them as a zip (the `F` key, with DefaultRecording). */
    recordTrainingFrames?: (recording?: FrameRecording) => Promise<void>;
    /** Opens the plugin's inspector panel on the current handle, or closes it (the `I` key). */
    toggleInspector: () => void;
}

declare global {
    interface Window {
        demo?: DemoHandle;
    }
}
