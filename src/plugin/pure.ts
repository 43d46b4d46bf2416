/**
 * The library without side effects: importing it registers nothing (no Scene methods, no shaders, no Babylon classes or
 * engine extensions); call `RegisterStylizationSceneComponent()` once to add the Scene methods. Babylon modules are
 * taken from their `.pure` variants, which register on first use.
 */
export * from "./stylizationSceneComponent.pure.js";
export * from "./stylization.js";
export * from "./options.js";
export * from "./errors.js";
export * from "./contract/preprocessConfig.js";
export * from "./contract/cpuReference.js";
export { frameToDisplay, displayToFrame, FrameMappingMode, type FrameMapping } from "./contract/frameMapping.js";
export * from "./model/loadModel.js";
export * from "./model/modelContract.js";
export { readOnnxModelInfo, withMetadata, withFixedImageSize, OnnxParseError, type OnnxModelInfo } from "./model/onnxModelInfo.js";
export * from "./diagnose/diagnoseContract.js";
export { captureTrainingFrames, type TrainingCaptureOptions, type TrainingGuide } from "./training/trainingFrames.js";
export { TrainingFrameSet, type TrainingFrame, type TrainingManifest, type CameraPose } from "./training/trainingFiles.js";
export * from "./infer/executionProvider.js";
export { StylizationSession } from "./infer/inferenceSession.js";
export { StylizationPostProcess, ThinStylizationComposite } from "./composite/stylizationPostProcess.js";
export { StageNames, type StageName, type StageTimes } from "./pipeline/frameStats.js";
export type { PipelinePhase, PipelineState } from "./pipeline/pipelineState.js";
export type { InspectorModelEntry, InspectorOptions, StylizationInspector } from "./panel/index.js";
export { loadOrtWasm, loadOrtWebGpu, loadOrtWebGl, wasmThreadCount, type OrtModule } from "./infer/ortRuntime.js";
