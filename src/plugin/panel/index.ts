/**
 * `babylon-stylize/inspector`: the inspector panel, and the parts of it usable without the panel (tensor statistics,
 * mismatch warnings, settings files, reference pairs).
 */
export { StylizationInspector } from "./stylizationInspector.js";
export type { InspectorOptions, InspectorModelEntry } from "./inspectorOptions.js";
export type { InspectedStylization } from "./inspectedStylization.js";
export * from "./tensorStats.js";
export * from "./mismatch.js";
export * from "./inspectorSettings.js";
export { decodeImage, loadSidecar, type ReferencePair, type ReferencePairSource } from "./referencePair.js";
