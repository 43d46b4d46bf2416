/** The library without side effects: call `RegisterStylizationSceneComponent()` to add the Scene methods. */
export * from "./stylizationSceneComponent.pure.js";
export * from "./stylization.js";
export type { StageTimes } from "./pipelines/framePipeline.js";
export * from "./options.js";
export * from "./errors.js";
export * from "./contract/preprocessConfig.js";
export * from "./contract/cpuReference.js";
export * from "./model/loadModel.js";
export * from "./model/modelContract.js";
export { readOnnxModelInfo, withMetadata, withFixedImageSize, OnnxParseError, type OnnxModelInfo } from "./model/onnxModelInfo.js";
export * from "./diagnose/diagnoseContract.js";
export { StylizationSession, type ExecutionProvider } from "./infer/inferenceSession.js";
export { StylizationInspector, type InspectorOptions, type InspectorModelEntry } from "./inspector/inspectorPanel.js";
export * from "./inspector/tensorStats.js";
export * from "./inspector/mismatch.js";
export * from "./inspector/inspectorSettings.js";
export { decodeImage, loadSidecar, type ReferencePair, type ReferencePairSource } from "./inspector/referencePair.js";
