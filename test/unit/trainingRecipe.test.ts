/**
 * CI smoke test of the PyTorch training recipe (training/): a few iterations on synthetic frames with a checkpoint and
 * a resume, evaluation, ONNX export with metadata and a reference pair; then onnxruntime-node runs the exported model
 * through the plugin's CPU preprocessing and must reproduce the PyTorch output. Needs Debian's python3-torch,
 * python3-numpy, python3-pil and python3-onnx on /usr/bin/python3 (.ci/run installs them).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { preprocessFrame } from "../../src/plugin/contract/cpuReference";
import { derivePreprocessParams, resolvePreprocessConfig } from "../../src/plugin/contract/preprocessConfig";
import { depthGuidePlane, normalGuidePlanes } from "../../src/plugin/contract/guides";
import { PNG } from "pngjs";
import { describeModel } from "../../src/plugin/model/modelContract";
import { readPng, readTensor, tensorPsnr } from "../referencePairs";

const Python = process.env.TRAINING_PYTHON ?? "/usr/bin/python3";
const Root = path.join(__dirname, "..", "..");

function python(args: string[], timeout = 90_000): string {
    try {
        return execFileSync(Python, args, { cwd: Root, encoding: "utf8", timeout, stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
        const e = error as { stderr?: string; stdout?: string; status?: number | null; signal?: string | null; message: string };
        const tail = (text?: string) => (text ?? "").split("\n").slice(-30).join("\n");
        throw new Error(
            `${Python} ${args.join(" ")} failed (status ${e.status}, signal ${e.signal}): ${tail(e.stderr) || e.message}\n--- stdout ---\n${tail(e.stdout)}`,
            { cause: error }
        );
    }
}

beforeAll(() => {
    // Fail with the fix rather than a Python traceback when the packages are missing.
    try {
        execFileSync(Python, ["-c", "import torch, numpy, PIL, onnx"], { stdio: "pipe" });
    } catch {
        throw new Error(`${Python} cannot import torch/numpy/PIL/onnx: apt-get install -y python3-torch python3-numpy python3-pil python3-onnx`);
    }
});

test("the generator family: the reference config is ~3.1M parameters (~12.5 MB), the tiny one ~0.5 MB, the TransformerNet baseline ~1.7M", () => {
    const rows = JSON.parse(python(["training/recipe.py", "params", "--json"])) as Array<{ name: string; parameters: number; float32_mb: number }>;
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName.reference.parameters).toBeGreaterThan(3_000_000);
    expect(byName.reference.parameters).toBeLessThan(3_400_000);
    expect(byName.tiny.float32_mb).toBeGreaterThan(0.4);
    expect(byName.tiny.float32_mb).toBeLessThan(0.6);
    // The per-frame baseline: fast_neural_style's TransformerNet layout, ~1.7M parameters (6.7 MB).
    expect(byName.transformer.parameters).toBeGreaterThan(1_600_000);
    expect(byName.transformer.parameters).toBeLessThan(1_750_000);
});

describe("training/smoke.py", () => {
    let out: string;
    let result: {
        first_iterations: number;
        resumed_iterations: number;
        final_losses: Record<string, number>;
        model: string;
        reference: { width: number; height: number; input: string; output_tensor: string };
        metadata: Record<string, string>;
    };
    beforeAll(() => {
        out = mkdtempSync(path.join(os.tmpdir(), "recipe-smoke-"));
        const lines = python(["training/smoke.py", "--out", out, "--iterations", "30"]).trim().split("\n");
        result = JSON.parse(lines[lines.length - 1]);
    }, 120_000);
    afterAll(() => rmSync(out, { recursive: true, force: true }));

    test("trains, checkpoints, resumes, and logs every loss term", () => {
        expect(result.first_iterations).toBe(15);
        expect(result.resumed_iterations).toBe(30);
        for (const term of ["l1", "gradient", "structure", "adversarial", "total"]) {
            expect(Number.isFinite(result.final_losses[term])).toBe(true);
        }
    });

    test("exports an ONNX model that onnxruntime-node runs like PyTorch with the declared preprocessing", async () => {
        const model = describeModel(new Uint8Array(readFileSync(result.model)), "smoke.onnx");
        expect(model.warnings).toEqual([]);
        expect(model.declared).toMatchObject({ inputRange: "[-1,1]", outputRange: "[-1,1]", channelOrder: "RGB", colorSpace: "sRGB" });
        expect(model.trainingStatistics).toBeDefined();
        const { width, height } = result.reference;
        const dir = path.dirname(result.model);
        const input = preprocessFrame(readPng(path.join(dir, result.reference.input)), width, height, resolvePreprocessConfig(model.declared));
        const session = await ort.InferenceSession.create(model.bytes);
        const output = (await session.run({ [model.inputName]: new ort.Tensor("float32", input, [1, 3, height, width]) }))[model.outputName];
        await session.release();
        expect(tensorPsnr(output.data as Float32Array, readTensor(path.join(dir, result.reference.output_tensor)))).toBeGreaterThanOrEqual(45);
    });
});

test("a generator guided by depth and normals: the export declares its guides, and onnxruntime-node on the plugin's input (frame + guides) reproduces PyTorch", async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), "recipe-depth-"));
    try {
        const lines = python(["training/smoke.py", "--out", out, "--iterations", "10", "--depth", "--normal"], 120_000).trim().split("\n");
        const result = JSON.parse(lines[lines.length - 1]) as {
            model: string;
            reference: { width: number; height: number; input: string; depth: string; normal: string; output_tensor: string };
        };
        const model = describeModel(new Uint8Array(readFileSync(result.model)), "smoke-guided.onnx");
        expect(model.warnings).toEqual([]);
        expect([model.guides, model.inputChannels]).toEqual([{ order: ["depth", "normal"], depth: { near: 1, far: 20 }, normal: { space: "view" } }, 7]);
        const { width, height } = result.reference;
        const dir = path.dirname(result.model);
        const config = resolvePreprocessConfig(model.declared);
        const rgb = preprocessFrame(readPng(path.join(dir, result.reference.input)), width, height, config);
        // The depth PNG beside the reference input: 16-bit centimetres (pngjs reads grey as RGBA).
        const png = PNG.sync.read(readFileSync(path.join(dir, result.reference.depth)), { skipRescale: true });
        const metres = Float32Array.from({ length: width * height }, (_, i) => (png.data as unknown as Uint16Array)[i * 4] / 100);
        const params = derivePreprocessParams(config);
        const guide = depthGuidePlane(metres, width, height, width, height, model.guides!, params);
        // The normal PNG: 8-bit RGB, n * 0.5 + 0.5 (pngjs reads it as RGBA).
        const normalPng = PNG.sync.read(readFileSync(path.join(dir, result.reference.normal)));
        const normals = Float32Array.from(normalPng.data, (v, i) => (i % 4 === 3 ? 0 : (v / 255) * 2 - 1));
        const input = new Float32Array(7 * width * height);
        input.set(rgb);
        input.set(guide, 3 * width * height);
        input.set(normalGuidePlanes(normals, width, height, 4, width, height, params), 4 * width * height);
        const session = await ort.InferenceSession.create(model.bytes);
        const output = (await session.run({ [model.inputName]: new ort.Tensor("float32", input, [1, 7, height, width]) }))[model.outputName];
        await session.release();
        expect(tensorPsnr(output.data as Float32Array, readTensor(path.join(dir, result.reference.output_tensor)))).toBeGreaterThanOrEqual(45);
    } finally {
        rmSync(out, { recursive: true, force: true });
    }
}, 150_000);

test("recipe.py half rebuilds the shipped fp16 twin byte for byte and leaves the fp32 model as shipped", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "recipe-half-"));
    try {
        mkdirSync(path.join(dir, "reference"));
        copyFileSync(path.join(Root, "models", "oil-tiny.onnx"), path.join(dir, "oil-tiny.onnx"));
        copyFileSync(path.join(Root, "models", "reference", "oil-tiny.json"), path.join(dir, "reference", "oil-tiny.json"));
        const printed = JSON.parse(python(["training/recipe.py", "half", "training/configs/oil-tiny.json", "--out", dir]));
        expect(printed.file).toBe(path.join(dir, "oil-tiny.fp16.onnx"));
        for (const file of ["oil-tiny.fp16.onnx", "oil-tiny.onnx", path.join("reference", "oil-tiny.json")]) {
            expect(readFileSync(path.join(dir, file)).equals(readFileSync(path.join(Root, "models", file)))).toBe(true);
        }
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});

test("the keyframe pairs in assets/keyframes train as shipped: every frame has its painted target, none is painted by the recipe", () => {
    const dir = path.join(Root, "assets", "keyframes", "village");
    const frames = readdirSync(path.join(dir, "frames")).filter((f) => f.endsWith(".png"));
    expect(frames.length).toBeGreaterThanOrEqual(8);
    for (const file of frames) {
        const frame = readPng(path.join(dir, "frames", file));
        const target = readPng(path.join(dir, "oil", file));
        expect([target.width, target.height]).toEqual([frame.width, frame.height]);
    }
    const run = mkdtempSync(path.join(os.tmpdir(), "recipe-keyframes-"));
    try {
        // The config says style: null, so a missing target would be an error rather than painted.
        const printed = python(["training/recipe.py", "train", "training/configs/oil-tiny-keyframes.json", "--iterations", "20", "--run-dir", run, "--fresh"]);
        const summary = JSON.parse(printed.slice(printed.search(/^\{/m))); // progress lines come first
        expect(summary.iterations).toBe(20);
        expect(Number.isFinite(summary.final_losses_last_500.total)).toBe(true);
        // evaluate --sequence adds the temporal figures along consecutive frames (here the 10 path frames).
        const evaluation = JSON.parse(
            python([
                "training/recipe.py",
                "evaluate",
                "training/configs/oil-tiny-keyframes.json",
                "--run-dir",
                run,
                "--sequence",
                "assets/keyframes/village/frames",
            ])
        );
        expect(evaluation.sequence.frames).toBe(frames.length);
        expect(evaluation.sequence.flicker_ratio).toBeGreaterThan(0);
        expect(evaluation.sequence.change_where_input_still).toBeGreaterThanOrEqual(0);
    } finally {
        rmSync(run, { recursive: true, force: true });
    }
});

test("temporal figures: the input as its own stylization flickers exactly as much as itself, and not where it is still", () => {
    const script = [
        "import sys, json, numpy as np",
        "sys.path.insert(0, 'training')",
        "from fewshot.metrics import temporal_figures",
        "rng = np.random.default_rng(1)",
        "frames = [np.round(rng.random((8, 8, 3)) * 255) / 255 for _ in range(4)]",
        "for f in frames[1:]: f[:4] = frames[0][:4]", // the top half never changes
        "noisy = [np.clip(f + (t % 2) * 4 / 255, 0, 1) for t, f in enumerate(frames)]", // a 4-level flicker everywhere
        "print(json.dumps([temporal_figures(frames, frames), temporal_figures(noisy, frames)]))",
    ].join("\n");
    const [same, flicker] = JSON.parse(python(["-c", script]));
    expect(same).toEqual({ flicker_ratio: 1, change_where_input_still: 0 });
    expect(flicker.change_where_input_still).toBeGreaterThan(3.5); // 4 levels, less where clipped at 1
    expect(flicker.flicker_ratio).toBeGreaterThan(1);
});

describe("recipe.py quantize: the int8 (QDQ) twin of the shipped default generator", () => {
    let dir: string;
    let report: { file: string; bytes: number; fp32_bytes: number; simulated_psnr_db: number };
    beforeAll(() => {
        dir = mkdtempSync(path.join(os.tmpdir(), "recipe-int8-"));
        copyFileSync(path.join(Root, "models", "oil-tiny.onnx"), path.join(dir, "oil-tiny.onnx"));
        report = JSON.parse(python(["training/recipe.py", "quantize", "training/configs/oil-tiny.json", "--out", dir]));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test("stores int8 weights behind DequantizeLinear (a third of the bytes) and keeps the contract metadata", () => {
        const bytes = new Uint8Array(readFileSync(report.file));
        const model = describeModel(bytes, "oil-tiny.int8.onnx");
        const ops = new Set(model.info.nodes.map((n) => n.opType));
        expect([...ops]).toEqual(expect.arrayContaining(["QuantizeLinear", "DequantizeLinear", "Conv"]));
        expect(report.bytes).toBeLessThan(report.fp32_bytes / 2.5);
        expect(model.declared).toMatchObject({ inputRange: "[-1,1]", outputRange: "[-1,1]" });
    });

    test("onnxruntime-node runs it within 35 dB of the fp32 output on a held-out reference input (the ship threshold)", async () => {
        // The reference input was not among the calibration frames (those are the keyframe pairs in assets/).
        const png = readPng(path.join(Root, "models", "reference", "oil-tiny.256x192.input.png"));
        const input = preprocessFrame(png, png.width, png.height, resolvePreprocessConfig({ inputRange: "[-1,1]" }));
        const outputs: Float32Array[] = [];
        for (const file of [path.join(dir, "oil-tiny.onnx"), report.file]) {
            const session = await ort.InferenceSession.create(file);
            const result = await session.run({ input: new ort.Tensor("float32", input, [1, 3, png.height, png.width]) });
            outputs.push(result.output.data as Float32Array);
            await session.release();
        }
        const db = tensorPsnr(outputs[1], outputs[0]);
        console.log(`int8 vs fp32 (onnxruntime-node, 256x192 held-out): ${db.toFixed(1)} dB; simulated at export ${report.simulated_psnr_db} dB`);
        expect(db).toBeGreaterThanOrEqual(35);
    });
});

describe("distributed training: torchrun, 2 processes, gloo on the CPU", () => {
    // Debian's torch 1.13 torchrun on Python 3.12 cannot parse its own default "--redirects 0 --tee 0" (IntFlag iteration
    // skips 0 there), so the launch names "1" (stdout) for both.
    const torchrun = ["-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", "--redirects", "1", "--tee", "1"];
    const config = "training/configs/oil-tiny-keyframes.json";
    let dir: string;
    /**
     * A launch takes ~10 s. Once in ~25 launches under the full suite's load, Debian's torch 1.13 launcher did not
     * return after its workers had reached their checkpoint (where it waited was not found: 30 repeated launches did
     * not reproduce it); such a launch is killed after 60 s and run once more. Every step is idempotent (a fresh run,
     * or a resume from the checkpoint), and the results are asserted as strictly as ever.
     */
    const launch = (args: string[]): string => {
        try {
            return python(args, 60_000);
        } catch (error) {
            if (((error as Error).cause as { signal?: string } | undefined)?.signal !== "SIGTERM") {
                throw error;
            }
            console.warn(`a training launch hung and was killed after 60 s; running it once more: ${args.join(" ")}`);
            return python(args, 60_000);
        }
    };
    const history = (run: string) =>
        JSON.parse(python(["-c", `import torch, json; print(json.dumps(torch.load("${path.join(dir, run, "checkpoint.pt")}")["history"]))`])) as Array<{
            iteration: number;
            total: number;
        }>;
    beforeAll(() => {
        dir = mkdtempSync(path.join(os.tmpdir(), "recipe-ddp-"));
        const train = (run: string, extra: string[], launcher: string[] = []) =>
            launch([...launcher, "training/recipe.py", "train", config, "--run-dir", path.join(dir, run), "--iterations", "200", ...extra]);
        train("one", ["--fresh"]);
        train("two", ["--fresh"], torchrun);
        train("two-resumed", ["--fresh", "--stop-after", "100"], torchrun);
        train("two-resumed", [], torchrun);
        // Without batch norm, the only thing the processes do differently from one is the order of float sums.
        const plain = JSON.parse(readFileSync(path.join(Root, config), "utf8"));
        plain.architecture.norm = "none";
        writeFileSync(path.join(dir, "plain.json"), JSON.stringify(plain));
        for (const [run, launcher] of [
            ["plain-one", []],
            ["plain-two", torchrun],
        ] as const) {
            launch([
                ...launcher,
                "training/recipe.py",
                "train",
                path.join(dir, "plain.json"),
                "--run-dir",
                path.join(dir, run),
                "--iterations",
                "100",
                "--fresh",
            ]);
        }
    }, 400_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test("the 2-process loss curve follows the 1-process one", () => {
        const one = history("one");
        const two = history("two");
        expect(two.map((h) => h.iteration)).toEqual([100, 200]);
        // Every process draws the same global batch and trains on its half; DDP averages the gradients, so each step sees
        // the patches the 1-process step sees. Only batch norm differs (statistics over 8 patches per process instead of
        // 16): measured 3.7% and 6.0% apart at iterations 100 and 200; 15% keeps headroom. The exact check is below.
        for (const [i, h] of two.entries()) {
            expect(Math.abs(h.total - one[i].total) / one[i].total).toBeLessThan(0.15);
        }
        expect(two[1].total).toBeLessThan(two[0].total * 0.8); // it trains
    });

    test("without batch norm, 2 processes train exactly as 1 does (the sampling and the gradient average are right)", () => {
        // Measured 7e-5 relative after 100 iterations (float summation order); a process training on the wrong patches
        // or a gradient not averaged would change the trajectory itself.
        const [one, two] = [history("plain-one")[0].total, history("plain-two")[0].total];
        expect(Math.abs(two - one) / one).toBeLessThan(1e-3);
    });

    test("a run stopped with a checkpoint and resumed on 2 processes continues exactly where it stopped", () => {
        expect(history("two-resumed")).toEqual(history("two"));
    });
});

describe("the keyframe workflow: pick, paint, import, train", () => {
    let dir: string;
    beforeAll(() => {
        dir = mkdtempSync(path.join(os.tmpdir(), "keyframes-"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const Frames = "assets/keyframes/village/frames";
    const Painted = path.join(Root, "assets", "keyframes", "village", "oil");

    /** Runs the recipe, returning its exit status and both outputs (a failure is an expected outcome here). */
    function recipe(args: string[]): { status: number; stdout: string; stderr: string } {
        const run = spawnSync(Python, ["training/recipe.py", ...args], { cwd: Root, encoding: "utf8", timeout: 90_000 });
        return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
    }

    test("pick-keyframes spreads over camera poses and content, never offers a held-out frame, and copies the frames to paint", () => {
        const run = recipe(["pick-keyframes", "--frames", Frames, "--count", "4", "--out", path.join(dir, "to-paint")]);
        expect(run.status).toBe(0);
        const picked = JSON.parse(run.stdout.trim().split("\n").pop()!) as { keyframes: string[]; basis: string; size: number[] };
        expect(picked.basis).toBe("camera pose and image content"); // capture-frames wrote the poses into frames.json
        expect(picked.size).toEqual([256, 192]);
        expect(picked.keyframes).toHaveLength(4);
        expect(picked.keyframes).not.toContain("00002.png"); // held out: every 5th frame from index 2
        expect(picked.keyframes).not.toContain("00007.png");
        expect(readdirSync(path.join(dir, "to-paint")).sort()).toEqual([...picked.keyframes, "keyframes.json"].sort());
        // Spread: the path frames are 225 apart; four picks are never all within one stretch of three.
        const indices = picked.keyframes.map((name) => Number(name.slice(0, 5)));
        expect(Math.max(...indices) - Math.min(...indices)).toBeGreaterThanOrEqual(4);
        // Deterministic: the same frames give the same picks.
        expect(JSON.parse(recipe(["pick-keyframes", "--frames", Frames, "--count", "4", "--out", path.join(dir, "again")]).stdout).keyframes).toEqual(
            picked.keyframes
        );
    });

    test("a bad painted folder is refused with every problem named: size, held-out frame, unknown name, not a PNG", () => {
        const bad = path.join(dir, "bad");
        mkdirSync(bad);
        copyFileSync(path.join(Painted, "00000.png"), path.join(bad, "00000.png"));
        copyFileSync(path.join(Painted, "00002.png"), path.join(bad, "00002.png"));
        copyFileSync(path.join(Painted, "00000.png"), path.join(bad, "frame_0003.png"));
        copyFileSync(path.join(Root, "assets", "keyframes", "village", "frames", "frames.json"), path.join(bad, "notes.json"));
        copyFileSync(path.join(Root, "test", "models", "not-a-model.onnx"), path.join(bad, "00004.png")); // not an image at all
        const halfSize = python(["-c", "from PIL import Image; Image.new('RGB', (128, 96)).save('" + path.join(bad, "00001.png") + "')"]);
        expect(halfSize).toBe("");
        const run = recipe(["import-keyframes", bad, "--frames", Frames, "--name", "bad", "--targets-root", path.join(dir, "targets"), "--configs", dir]);
        expect(run.status).toBe(2);
        expect(run.stderr).toContain("5 problem(s) with the painted keyframes");
        expect(run.stderr).toContain("00001.png: 128x96, its frame is 256x192; paint at the frame's size");
        expect(run.stderr).toContain("00002.png: a held-out frame (every 5th frame from index 2)");
        expect(run.stderr).toContain("00004.png: cannot be read as an image");
        expect(run.stderr).toContain("frame_0003.png: no captured frame has this name (frames are 00000.png .. 00009.png");
        expect(run.stderr).toContain("notes.json: not a PNG");
        expect(run.stderr).not.toContain("Traceback");
        expect(readdirSync(dir)).not.toContain("bad.json"); // nothing written
    });

    test("import-keyframes writes the targets and a config; recipe.py all trains and exports from it (held-out figures skipped)", () => {
        const painted = path.join(dir, "painted");
        mkdirSync(painted);
        for (const name of ["00000.png", "00003.png", "00008.png"]) {
            copyFileSync(path.join(Painted, name), path.join(painted, name));
        }
        const run = recipe([
            "import-keyframes",
            painted,
            "--frames",
            Frames,
            "--name",
            "artist",
            "--targets-root",
            path.join(dir, "targets"),
            "--configs",
            dir,
        ]);
        expect(run.status).toBe(0);
        const result = JSON.parse(run.stdout.trim()) as { config: string; keyframes: string[] };
        expect(result.keyframes).toEqual(["00000.png", "00003.png", "00008.png"]);
        const config = JSON.parse(readFileSync(result.config, "utf8"));
        expect(config.data).toMatchObject({ frames: Frames, style: null, keyframes: result.keyframes, heldout_every: 5, heldout_offset: 2 });
        expect(readdirSync(config.data.targets).sort()).toEqual(result.keyframes);
        const all = recipe(["all", result.config, "--iterations", "10", "--run-dir", path.join(dir, "run"), "--out", path.join(dir, "models")]);
        expect(all.status).toBe(0);
        const evaluation = JSON.parse(readFileSync(path.join(dir, "run", "evaluation.json"), "utf8"));
        expect(evaluation.heldout.skipped).toContain("have no target");
        expect(evaluation.keyframes.frames).toBe(3);
        expect(readdirSync(path.join(dir, "models"))).toContain("artist.onnx");
    }, 120_000);
});
