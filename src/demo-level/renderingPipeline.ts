/**
 * `?placement=before|after`: the camera gets Babylon's DefaultRenderingPipeline (HDR, bloom, ACES tone mapping, FXAA),
 * and the stylization sits before it (the scene's linear frame is stylized, the pipeline's effects apply to the
 * painting) or after it (the finished frame is stylized, effects included).
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import { ImageProcessingConfiguration } from "@babylonjs/core/Materials/imageProcessingConfiguration.js";
import { DefaultRenderingPipeline } from "@babylonjs/core/PostProcesses/RenderPipeline/Pipelines/defaultRenderingPipeline.js";
import "@babylonjs/core/PostProcesses/RenderPipeline/postProcessRenderPipelineManagerSceneComponent.js";

export function addRenderingPipeline(scene: Scene, camera: Camera): DefaultRenderingPipeline {
    const pipeline = new DefaultRenderingPipeline("demoPipeline", true, scene, [camera]);
    pipeline.bloomEnabled = true;
    pipeline.bloomThreshold = 0.8;
    pipeline.bloomWeight = 0.35;
    pipeline.bloomKernel = 48;
    pipeline.fxaaEnabled = true;
    pipeline.imageProcessingEnabled = true;
    pipeline.imageProcessing.toneMappingEnabled = true;
    pipeline.imageProcessing.toneMappingType = ImageProcessingConfiguration.TONEMAPPING_ACES;
    pipeline.imageProcessing.exposure = 1.2;
    return pipeline;
}
