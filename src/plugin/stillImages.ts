/**
 * Work on still images with the running session, between frames (stylizing pauses meanwhile): the engine's result for
 * a reference input, and the diagnosis of the training contract from a reference pair. A still image has no depth: a
 * guided model gets a flat guide (see withFlatGuides).
 */
import { derivePreprocessParams, type PreprocessConfig } from "./contract/preprocessConfig.js";
import { withFlatGuides } from "./contract/guides.js";
import { postprocessTensor, preprocessFrame, type RgbaFrame } from "./contract/cpuReference.js";
import { diagnoseContract, type DiagnosisCandidate, type DiagnosisOptions } from "./diagnose/diagnoseContract.js";
import type { FramePipeline } from "./pipeline/framePipeline.js";

/** Ranks candidate contracts on a reference pair with the session's own provider, best first. */
export function diagnoseBetweenFrames(
    pipeline: FramePipeline,
    config: PreprocessConfig,
    input: RgbaFrame,
    expected: RgbaFrame,
    options: DiagnosisOptions
): Promise<DiagnosisCandidate[]> {
    return pipeline.betweenFrames("diagnose", (session) => {
        const params = derivePreprocessParams(config);
        const run = async (data: Float32Array, width: number, height: number) =>
            (await session.runCpu(withFlatGuides(data, width * height, session.model.guides, params), width, height)).data;
        return diagnoseContract(run, input, expected, { frameColorSpace: config.frameColorSpace, ...options });
    });
}

/** The RGBA result of the model on `image` at its size, with CPU pre- and postprocessing under `config`. */
export function stylizeImageBetweenFrames(pipeline: FramePipeline, config: PreprocessConfig, image: RgbaFrame): Promise<Uint8Array> {
    const { width, height } = image;
    return pipeline.betweenFrames("stylizeImage", async (session) => {
        const rgb = preprocessFrame(image, width, height, config);
        const output = await session.runCpu(withFlatGuides(rgb, width * height, session.model.guides, derivePreprocessParams(config)), width, height);
        return postprocessTensor(output.data, width, height, config);
    });
}
