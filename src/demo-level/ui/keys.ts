/** The demo's keys. Nothing happens unless a key is pressed; walking keys live in controls/input.ts. */
import type { Scene } from "@babylonjs/core/scene.js";
import type { LevelDirector } from "../controls/levelDirector.js";
import type { StylizationControls } from "../stylizationControls.js";
import type { Overlay } from "./overlay.js";
import { recordTrainingFrames } from "./trainingFramesKey.js";

export const HelpText = {
    level: "click: mouse look · WASD/arrows: walk · shift: run · T: stylize on/off · M: model · V: view · R: inference size · P: camera path · I: inspector · F: record training frames · H: hide help",
    testScene: "T: stylize on/off · M: model · V: view · R: inference size · F: record training frames · H: hide help",
};

export interface KeyTargets {
    scene: Scene;
    controls: StylizationControls;
    director: LevelDirector | null;
    overlay: Overlay;
    /** Opens or closes the inspector panel. */
    toggleInspector: () => void;
}

export function bindKeys(targets: KeyTargets): () => void {
    let helpShown = true;
    let recording: Promise<void> | undefined;
    const onKey = (e: KeyboardEvent) => {
        if (e.repeat || e.ctrlKey || e.metaKey || e.altKey) {
            return;
        }
        const { controls, director, overlay } = targets;
        switch (e.code) {
            case "KeyT":
                return controls.toggle();
            case "KeyM":
                return controls.nextModel();
            case "KeyV":
                return controls.nextView();
            case "KeyR":
                return controls.nextResolution();
            case "KeyP":
                if (director) {
                    if (director.mode === "path") {
                        director.walk();
                        overlay.showMessage("walking", "notice", 1500);
                    } else {
                        director.playPath(0);
                        overlay.showMessage("camera path (any walking key takes over)", "notice", 2500);
                    }
                }
                return;
            case "KeyI":
                targets.toggleInspector();
                return;
            case "KeyF":
                recording ??= recordTrainingFrames(targets.scene, overlay).finally(() => (recording = undefined));
                return;
            case "KeyH":
                helpShown = !helpShown;
                overlay.setHelp(helpShown ? (director ? HelpText.level : HelpText.testScene) : "");
                return;
        }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
}
