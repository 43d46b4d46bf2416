/** The babylon-stylize CLI, run as a user would (through tsx on the sources). */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { PNG } from "pngjs";
import { postprocessTensor, preprocessFrame, type RgbaFrame } from "../../src/plugin/contract/cpuReference";
import { resolvePreprocessConfig } from "../../src/plugin/contract/preprocessConfig";
import { describeModel } from "../../src/plugin/model/modelContract";

const root = path.join(__dirname, "..", "..");
const model = path.join(root, "test", "models", "diagnose-tanh.onnx");
const W = 32;
const H = 20;
let dir: string;

function cli(...args: string[]) {
    const result = spawnSync(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), path.join(root, "src", "cli", "main.ts"), ...args], {
        encoding: "utf8",
        cwd: dir,
    });
    return { code: result.status, out: result.stdout, err: result.stderr };
}

function writePng(file: string, frame: RgbaFrame): void {
    const png = new PNG({ width: frame.width, height: frame.height });
    png.data.set(frame.data as Uint8Array);
    fs.writeFileSync(file, PNG.sync.write(png));
}

beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "stylize-cli-"));
    const data = new Uint8Array(W * H * 4);
    for (let i = 0; i < W * H; i++) {
        const x = i % W;
        const y = Math.floor(i / W);
        data.set([(x * 8) % 256, 40 + y * 9, x > 20 && y < 8 ? 240 : 60, 255], i * 4);
    }
    const input = { data, width: W, height: H };
    // The "training output": the model run with a BGR contract, which the model does not declare.
    const config = resolvePreprocessConfig({ channelOrder: "BGR" });
    const session = await ort.InferenceSession.create(model);
    const out = await session.run({ input: new ort.Tensor("float32", preprocessFrame(input, W, H, config), [1, 3, H, W]) });
    await session.release();
    writePng(path.join(dir, "input.png"), input);
    writePng(path.join(dir, "expected.png"), { data: postprocessTensor(out.output.data as Float32Array, W, H, config), width: W, height: H });
});

function readPngFile(file: string): RgbaFrame {
    const png = PNG.sync.read(fs.readFileSync(file));
    return { data: new Uint8Array(png.data), width: png.width, height: png.height };
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("diagnose prints the ranking with the exact contract first", () => {
    const { code, out } = cli("diagnose", model, "input.png", "expected.png", "--top", "3");
    expect(code).toBe(0);
    const lines = out.trim().split("\n");
    expect(lines[0]).toMatch(/^rank\s+PSNR dB\s+inputRange\s+outputRange\s+channelOrder\s+colorSpace\s+flipY/);
    expect(lines[1]).toMatch(/^1\s+inf\s+\[-1,1\]\s+\[-1,1\]\s+BGR\s+sRGB\s+false/);
    expect(lines.slice(1, 4)).toHaveLength(3);
    expect(out).toMatch(/Best match differs from what the model declares/);
});

test.each([
    [
        "[-1,1] in, Tanh out (few-shot style)",
        "diagnose-tanh.onnx",
        { inputRange: "[-1,1]", outputRange: "[-1,1]", channelOrder: "RGB", colorSpace: "sRGB", flipY: false },
        /^1\s+inf\s+\[-1,1\]\s+\[-1,1\]\s+RGB\s+sRGB\s+false/,
    ],
    [
        "[0,255] in and out (fast_neural_style style)",
        "diagnose-0-255.onnx",
        { inputRange: "[0,255]", outputRange: "[0,255]", channelOrder: "RGB", colorSpace: "sRGB", flipY: false },
        /^1\s+inf\s+\[0,255\]\s+\[0,255\]\s+RGB\s+sRGB\s+false/,
    ],
    [
        "linear colour",
        "diagnose-tanh.onnx",
        { inputRange: "[-1,1]", outputRange: "[-1,1]", channelOrder: "RGB", colorSpace: "linear", flipY: false },
        /^1\s+inf\s+\[-1,1\]\s+\[-1,1\]\s+RGB\s+linear\s+false/,
    ],
    [
        "flipped rows, ImageNet normalization",
        "diagnose-tanh.onnx",
        { inputRange: "imagenet", outputRange: "[-1,1]", channelOrder: "RGB", colorSpace: "sRGB", flipY: true },
        /^1\s+inf\s+imagenet\s+\[-1,1\]\s+RGB\s+sRGB\s+true/,
    ],
] as const)("diagnose finds the contract of a model built with %s", async (_label, file, contract, firstRow) => {
    const modelPath = path.join(root, "test", "models", file);
    const input = readPngFile(path.join(dir, "input.png"));
    const config = resolvePreprocessConfig(contract);
    const session = await ort.InferenceSession.create(modelPath);
    const out = await session.run({ input: new ort.Tensor("float32", preprocessFrame(input, W, H, config), [1, 3, H, W]) });
    await session.release();
    const expectedFile = `expected-${file}-${contract.inputRange}-${contract.colorSpace}-${contract.flipY}.png`.replace(/[[\],]/g, "_");
    writePng(path.join(dir, expectedFile), { data: postprocessTensor(out.output.data as Float32Array, W, H, config), width: W, height: H });
    const { code, out: text } = cli("diagnose", modelPath, "input.png", expectedFile, "--top", "2");
    expect(code).toBe(0);
    expect(text.trim().split("\n")[1]).toMatch(firstRow);
});

test("write-contract --from writes the diagnosed contract into metadata_props, and inspect shows it", () => {
    const written = cli("write-contract", model, "--out", "fixed.onnx", "--from", "input.png", "expected.png");
    expect(written.code).toBe(0);
    expect(written.out).toMatch(/wrote fixed\.onnx with .*stylize\.channel_order=BGR/);
    const fixed = describeModel(new Uint8Array(fs.readFileSync(path.join(dir, "fixed.onnx"))), "fixed.onnx");
    expect(fixed.declared).toMatchObject({ inputRange: "[-1,1]", outputRange: "[-1,1]", channelOrder: "BGR", colorSpace: "sRGB", flipY: false });
    expect(fixed.info.nodes.map((n) => n.opType)).toEqual(["Pad", "Conv", "LeakyRelu", "Conv", "Tanh"]);
    const inspected = cli("inspect", "fixed.onnx");
    expect(inspected.code).toBe(0);
    expect(inspected.out).toMatch(/stylize\.channel_order = BGR/);
    expect(inspected.out).toMatch(/input "input" \[1, 3, H, W\]/);
    // Diagnosing the fixed model now finds its declared contract best.
    expect(cli("diagnose", "fixed.onnx", "input.png", "expected.png", "--top", "1").out).toMatch(/<- declared[\s\S]*declared contract is the best match/);
});

test("write-contract with flags, and usage errors exit 2 with a message", () => {
    expect(cli("write-contract", model, "--out", "flags.onnx", "--input-range", "[0,255]", "--flip-y", "true").code).toBe(0);
    expect(describeModel(new Uint8Array(fs.readFileSync(path.join(dir, "flags.onnx"))), "flags").declared).toMatchObject({
        inputRange: "[0,255]",
        flipY: true,
    });
    const bad = cli("write-contract", model, "--out", "x.onnx", "--input-range", "[0,2]");
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/PreprocessConfigError: preprocess.inputRange is "\[0,2\]"/);
    const missing = cli("diagnose", "nope.onnx", "input.png", "expected.png");
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.err).toMatch(/no such model file: nope.onnx/);
    expect(cli().err).toMatch(/^usage:/);
});

test("bad flag values are usage errors, never silently read as something else", () => {
    const flip = cli("write-contract", model, "--out", "typo.onnx", "--flip-y", "yes");
    expect(flip.code).toBe(2);
    expect(flip.err).toMatch(/--flip-y is true or false, not "yes"/);
    expect(fs.existsSync(path.join(dir, "typo.onnx"))).toBe(false);
    for (const top of ["abc", "0", "1.5"]) {
        const result = cli("diagnose", model, "input.png", "expected.png", "--top", top);
        expect(result.code).toBe(2);
        expect(result.err).toMatch(/--top needs a whole number of rows/);
    }
});

test("outside a terminal the progress is one line, not carriage returns", () => {
    const result = cli("diagnose", model, "input.png", "expected.png", "--top", "1");
    expect(result.code).toBe(0);
    expect(result.err).not.toContain("\r");
    expect(result.err.trim()).toBe("ran the network 32 times");
});

test("capture: arguments it cannot follow are usage errors before any browser starts", () => {
    const cases: Array<[string[], RegExp]> = [
        [["capture"], /^usage: babylon-stylize capture <url>/],
        [["capture", "localhost:8080"], /"localhost:8080" is not a page address \(http:\/\/, https:\/\/ or file:\/\/\)/],
        [["capture", "http://localhost:1/", "--count", "0"], /--count is "0"; expected a whole number >= 1/],
        [["capture", "http://localhost:1/", "--size", "640x"], /--size is "640x"; expected <width>x<height>/],
        [["capture", "http://localhost:1/", "--size", "4"], /--size is "4"; expected a whole number >= 8/],
        [["capture", "http://localhost:1/", "--viewport", "big"], /--viewport is "big"; expected <width>x<height>/],
        [["capture", "http://localhost:1/", "--frames", "3"], /Unknown option '--frames'/],
    ];
    for (const [args, message] of cases) {
        const result = cli(...args);
        expect(result.code).toBe(2);
        expect(result.err).toMatch(message);
    }
    expect(fs.existsSync(path.join(dir, "frames"))).toBe(false); // nothing written
});

test("capture: a missing Chromium is named with what to install", () => {
    const result = spawnSync(
        process.execPath,
        [
            path.join(root, "node_modules", "tsx", "dist", "cli.mjs"),
            path.join(root, "src", "cli", "main.ts"),
            "capture",
            "http://localhost:1/",
            "--out",
            "nochromium",
        ],
        { encoding: "utf8", cwd: dir, env: { ...process.env, CHROMIUM_PATH: "/nonexistent/chromium" } }
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no Chromium at \/nonexistent\/chromium: install it \(Debian: apt-get install chromium\) or say where it is/);
});
