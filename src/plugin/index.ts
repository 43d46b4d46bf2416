/** The library: importing it adds `scene.enableStylization`, `scene.disableStylization` and `scene.stylization`. */
import "./stylizationSceneComponent.js";

export * from "./pure.js";
