/**
 * The trained generators in models/: onnxruntime-node, fed through the plugin's CPU reference of the preprocessing
 * the model declares, reproduces the PyTorch output exported with each model (its reference pair) at >= 45 dB; the
 * declared contract is complete; a wrong input range is measurably worse.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { postprocessTensor, preprocessFrame } from "../../src/plugin/contract/cpuReference";
import { derivePreprocessParams, resolvePreprocessConfig, type PreprocessConfig } from "../../src/plugin/contract/preprocessConfig";
import { describeModel, MetadataKeys } from "../../src/plugin/model/modelContract";
import { ModelsDir, readManifests, readPng, readTensor, referenceGuides, tensorPsnr, type ReferenceEntry, type ReferenceManifest } from "../referencePairs";

const manifests = readManifests();

async function runReference(manifest: ReferenceManifest, ref: ReferenceEntry, override: Partial<PreprocessConfig> = {}, file = manifest.file) {
    const model = describeModel(new Uint8Array(readFileSync(path.join(ModelsDir, file))), file);
    const config = resolvePreprocessConfig(model.declared, override);
    const frame = readPng(path.join(ModelsDir, ref.input));
    expect([frame.width, frame.height]).toEqual([ref.width, ref.height]);
    // RGB, then a guided model's guides from the reference maps, taken in as the plugin takes them.
    const planes = [preprocessFrame(frame, ref.width, ref.height, config), ...referenceGuides(ref, model.guides, derivePreprocessParams(config))];
    const input = new Float32Array(planes.reduce((n, p) => n + p.length, 0));
    planes.reduce((at, p) => (input.set(p, at), at + p.length), 0);
    const session = await ort.InferenceSession.create(model.bytes);
    try {
        const result = await session.run({ [model.inputName]: new ort.Tensor("float32", input, [1, model.inputChannels, ref.height, ref.width]) });
        const output = result[model.outputName];
        expect(output.dims).toEqual([1, 3, ref.height, ref.width]);
        return { output: output.data as Float32Array, config };
    } finally {
        await session.release();
    }
}

test("models/ ships at least two trained generators, one under 1 MB", () => {
    expect(manifests.length).toBeGreaterThanOrEqual(2);
    expect(manifests.some((m) => m.bytes < 1_000_000)).toBe(true);
});

describe.each(manifests.map((m) => [m.name, m] as const))("%s", (_name, manifest) => {
    test("declares the contract the plugin reads, the training statistics and the architecture", () => {
        const bytes = new Uint8Array(readFileSync(path.join(ModelsDir, manifest.file)));
        expect(bytes.byteLength).toBe(manifest.bytes);
        const model = describeModel(bytes, manifest.file);
        expect(model.warnings).toEqual([]);
        expect(model.declared).toMatchObject({ inputRange: "[-1,1]", outputRange: "[-1,1]", channelOrder: "RGB", colorSpace: "sRGB", flipY: false });
        expect(model.trainingStatistics?.mean).toHaveLength(3);
        expect(model.trainingStatistics?.std.every((s) => s > 0)).toBe(true);
        expect(JSON.parse(model.info.metadata["stylize.architecture"])).toEqual(manifest.architecture);
        expect(model.info.metadata[MetadataKeys.trainMean]).toBe(manifest.metadata[MetadataKeys.trainMean]);
        // Dynamic height and width: the plugin picks the inference size.
        expect([model.fixedHeight, model.fixedWidth]).toEqual([undefined, undefined]);
    });

    // A network whose first conv feeds an instance norm (the TransformerNet baseline) cannot see the input's range: an
    // affine change of each channel is normalized away. Its measurably wrong contract is a swapped channel order.
    const rangeBlind = manifest.architecture?.norm === "instance";
    const wrongContract: Partial<PreprocessConfig> = rangeBlind ? { channelOrder: "BGR" } : { inputRange: "[0,1]" };
    test.each(manifest.references.map((r) => [`${r.width}x${r.height}`, r] as const))(
        `reproduces the PyTorch reference output at %s (>= 45 dB), and ${rangeBlind ? "BGR order" : "a [0,1] input range"} is measurably worse`,
        async (_size, ref) => {
            const expected = readTensor(path.join(ModelsDir, ref.output_tensor));
            const { output, config } = await runReference(manifest, ref);
            const psnr = tensorPsnr(output, expected);
            expect(psnr).toBeGreaterThanOrEqual(45);
            // The displayed image: the CPU postprocess of onnxruntime's output equals the exported PNG within a level.
            const png = readPng(path.join(ModelsDir, ref.output));
            const shown = postprocessTensor(output, ref.width, ref.height, config);
            let worst = 0;
            for (let i = 0; i < shown.length; i++) {
                worst = Math.max(worst, Math.abs(shown[i] - png.data[i]));
            }
            expect(worst).toBeLessThanOrEqual(1);

            const wrong = tensorPsnr((await runReference(manifest, ref, wrongContract)).output, expected);
            expect(wrong).toBeLessThan(30);
            expect(psnr - wrong).toBeGreaterThan(20);
            if (rangeBlind) {
                expect(tensorPsnr((await runReference(manifest, ref, { inputRange: "[0,1]" })).output, expected)).toBeGreaterThanOrEqual(45);
            }
        }
    );
});

/**
 * fp16 twins (`recipe.py half`): float16 weights and activations between a float32 input and output cast, for GPUs with
 * shader-f16. onnxruntime-node runs them (its CPU provider computes float16 nodes through float32 casts, so this
 * checks the exported graph and its float16 weights, not a GPU's float16 arithmetic). Gate: 40 dB against the fp32
 * PyTorch reference (the bar for GPU parity); measured 80-89 dB here.
 */
describe.each(manifests.filter((m) => m.fp16_twin).map((m) => [m.name, m] as const))("%s fp16 twin", (_name, manifest) => {
    const twin = manifest.fp16_twin!;
    test("keeps the fp32 model's interface and contract, declares its precision, and is named by the fp32 model", () => {
        const bytes = new Uint8Array(readFileSync(path.join(ModelsDir, twin.file)));
        expect(bytes.byteLength).toBe(twin.bytes);
        expect(bytes.byteLength).toBeLessThan(0.55 * manifest.bytes);
        const [fp32, fp16] = [describeModel(new Uint8Array(readFileSync(path.join(ModelsDir, manifest.file))), manifest.file), describeModel(bytes, twin.file)];
        expect(fp32.info.metadata["stylize.fp16_twin"]).toBe(twin.file);
        expect(fp16.info.metadata["stylize.precision"]).toBe("fp16");
        expect(fp16.info.metadata["stylize.fp16_twin"]).toBeUndefined();
        expect([fp16.inputName, fp16.outputName, fp16.inputChannels, fp16.guides, fp16.declared]).toEqual([
            fp32.inputName,
            fp32.outputName,
            fp32.inputChannels,
            fp32.guides,
            fp32.declared,
        ]);
    });
    test.each(manifest.references.map((r) => [`${r.width}x${r.height}`, r] as const))(
        "reproduces the PyTorch reference at %s within 40 dB",
        async (_size, ref) => {
            const expected = readTensor(path.join(ModelsDir, ref.output_tensor));
            const { output } = await runReference(manifest, ref, {}, twin.file);
            const psnr = tensorPsnr(output, expected);
            expect(psnr).toBeGreaterThanOrEqual(40);
            console.log(`${twin.file} ${ref.width}x${ref.height}: ${psnr.toFixed(1)} dB against the fp32 reference`);
        }
    );
});
