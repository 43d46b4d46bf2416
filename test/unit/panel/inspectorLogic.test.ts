/**
 * The inspector panel's arithmetic, without a page: tensor statistics, mismatch warnings and the settings file.
 */
import { computeTensorStats, type ChannelStats } from "../../../src/plugin/panel/tensorStats";
import { findMismatches, MismatchThresholds } from "../../../src/plugin/panel/mismatch";
import { parseSettingsFile, loadStoredSettings, saveStoredSettings, SettingsFileError, StorageKey } from "../../../src/plugin/panel/inspectorSettings";
import { preprocessFrame } from "../../../src/plugin/contract/cpuReference";
import { inputInterval, resolvePreprocessConfig, type PreprocessConfig } from "../../../src/plugin/contract/preprocessConfig";

/** A deterministic "scene": smooth gradients plus noise, values 0..255, RGBA. */
function sceneFrame(width: number, height: number, seed = 7): { data: Uint8Array; width: number; height: number } {
    let state = seed;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const data = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
            const i = (y * width + x) * 4;
            data[i] = Math.min(255, Math.round(30 + (80 * x) / width + 40 * random()));
            data[i + 1] = Math.min(255, Math.round(90 + (100 * y) / height + 40 * random()));
            data[i + 2] = Math.min(255, Math.round(230 - (100 * y) / height + 20 * random()));
            data[i + 3] = 255;
        }
    }
    return { data, width, height };
}

const W = 48;
const H = 32;
const frame = sceneFrame(W, H);

function statsFor(config: PreprocessConfig, f = frame): ChannelStats[] {
    return computeTensorStats(preprocessFrame(f, W, H, config), inputInterval(config));
}

describe("computeTensorStats", () => {
    test("min, max, mean, population std and out-of-range share per channel, by direct computation", () => {
        const plane = [0.5, -1, 2, 0.25, 0.25, 1.0005]; // 1.0005 is inside the tolerance of 1
        const tensor = new Float32Array([...plane, ...plane.map((v) => v * 2), ...plane.map((v) => -v)]);
        const [a, b, c] = computeTensorStats(
            tensor,
            [
                [0, 1],
                [0, 1],
                [-1, 1],
            ],
            4
        );
        const mean = plane.reduce((s, v) => s + v, 0) / plane.length;
        const std = Math.sqrt(plane.reduce((s, v) => s + (v - mean) ** 2, 0) / plane.length);
        expect(a.min).toBeCloseTo(-1, 6);
        expect(a.max).toBeCloseTo(2, 6);
        expect(a.mean).toBeCloseTo(mean, 6);
        expect(a.std).toBeCloseTo(std, 6);
        expect(a.outOfRange).toBeCloseTo(2 / 6, 9); // -1 and 2
        expect(b.mean).toBeCloseTo(2 * mean, 6);
        expect(b.std).toBeCloseTo(2 * std, 6);
        expect(b.outOfRange).toBeCloseTo(3 / 6, 9); // -2, 4 and 2.001; 1, 0.5, 0.5 are in
        expect(c.outOfRange).toBeCloseTo(1 / 6, 9); // -2
        // The histogram spans the expected interval widened to the data and counts every finite value once.
        expect(a.histogramRange).toEqual([-1, 2]);
        expect(Array.from(a.histogram).reduce((s, v) => s + v, 0)).toBe(6);
        expect(Array.from(a.histogram)).toEqual([1, 2, 2, 1]); // [-1,-0.25): -1; [-0.25,0.5): 0.25 x2; [0.5,1.25): 0.5, 1.0005; [1.25,2]: 2
    });

    test("NaN and Infinity count as out of range and stay out of the other figures", () => {
        const [s] = computeTensorStats(new Float32Array([0.5, NaN, Infinity, 0.25, 0, 0, 0, 0, 0, 0, 0, 0]), [
            [0, 1],
            [0, 1],
            [0, 1],
        ]);
        expect(s.outOfRange).toBe(0.5);
        expect(s.mean).toBeCloseTo(0.375, 6);
        expect(s.max).toBe(0.5);
    });

    test("rejects a tensor that is not 3 planes", () => {
        expect(() =>
            computeTensorStats(new Float32Array(4), [
                [0, 1],
                [0, 1],
                [0, 1],
            ])
        ).toThrow(/multiple of 3/);
    });
});

describe("findMismatches", () => {
    // "Training": the model was trained on this frame's statistics under [-1,1].
    const trained = resolvePreprocessConfig({ inputRange: "[-1,1]" });
    const trainStats = statsFor(trained);
    const training = {
        mean: trainStats.map((s) => s.mean) as unknown as [number, number, number],
        std: trainStats.map((s) => s.std) as unknown as [number, number, number],
    };
    // The live scene differs from training a little (another seed), as a game's frames do.
    const live = sceneFrame(W, H, 99);

    test("quiet when the engine feeds what training fed", () => {
        expect(findMismatches(trained, { input: statsFor(trained, live) }, training)).toEqual([]);
    });

    test.each(["[0,1]", "[0,255]"] as const)("a [-1,1] model fed %s: says which range training used and offers it", (wrong) => {
        const config = resolvePreprocessConfig({ inputRange: wrong });
        const [warning] = findMismatches(config, { input: statsFor(config, live) }, training);
        expect(warning.kind).toBe("input-range");
        expect(warning.fix).toEqual({ inputRange: "[-1,1]" });
        expect(warning.text).toMatch(
            /^Input mean [-\d.]+ \(std [\d.]+\) but training mean -?\d\.\d\d \(std \d\.\d\d\): the model was probably trained on \[-1,1\], you feed \[0,(1|255)\]\.$/
        );
    });

    test("a [0,255] model (fast_neural_style) fed [-1,1] is pointed to [0,255]", () => {
        const t = statsFor(resolvePreprocessConfig({ inputRange: "[0,255]" }));
        const train255 = { mean: t.map((s) => s.mean) as unknown as [number, number, number], std: t.map((s) => s.std) as unknown as [number, number, number] };
        const [warning] = findMismatches(trained, { input: statsFor(trained, live) }, train255);
        expect(warning.fix).toEqual({ inputRange: "[0,255]" });
    });

    test("channel order: a BGR-trained model fed RGB (distinct channel means) is told so", () => {
        const bgr = resolvePreprocessConfig({ inputRange: "[-1,1]", channelOrder: "BGR" });
        const t = statsFor(bgr);
        const trainBgr = { mean: t.map((s) => s.mean) as unknown as [number, number, number], std: t.map((s) => s.std) as unknown as [number, number, number] };
        expect(Math.abs(trainBgr.mean[0] - trainBgr.mean[2]) / ((trainBgr.std[0] + trainBgr.std[1] + trainBgr.std[2]) / 3)).toBeGreaterThan(
            MismatchThresholds.channelSpread
        );
        const [warning] = findMismatches(trained, { input: statsFor(trained, live) }, trainBgr);
        expect(warning).toMatchObject({ kind: "channel-order", fix: { channelOrder: "BGR" } });
        expect(findMismatches(bgr, { input: statsFor(bgr, live) }, trainBgr)).toEqual([]);
    });

    test("without declared training statistics there is one piece of advice, not a warning", () => {
        const warnings = findMismatches(trained, { input: statsFor(trained) }, undefined);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatchObject({ kind: "no-training-statistics", severity: "info" });
    });

    const outputStats = (values: number[], config: PreprocessConfig) => {
        const t = new Float32Array([...values, ...values, ...values]);
        const range = config.outputRange === "[-1,1]" ? [-1, 1] : config.outputRange === "[0,1]" ? [0, 1] : [0, 255];
        return computeTensorStats(t, [range, range, range] as Array<[number, number]>);
    };

    test("output values far above the declared range point to [0,255]", () => {
        const config = resolvePreprocessConfig({ outputRange: "[-1,1]" });
        const [warning] = findMismatches(config, { output: outputStats([12, 200, 90, 0.5, 255, 30], config) }, training);
        expect(warning).toMatchObject({ kind: "output-out-of-range", fix: { outputRange: "[0,255]" } });
        expect(warning.text).toMatch(/^83% of output values fall outside the declared output range \[-1,1\] \(min 0\.50, max 255\)/);
    });

    test("negative outputs under a declared [0,1] point to [-1,1]; a [-1,1] model declared [0,255] is caught too", () => {
        const unit = resolvePreprocessConfig({ outputRange: "[0,1]" });
        expect(findMismatches(unit, { output: outputStats([-0.8, -0.2, 0.3, 0.9], unit) }, training)[0]).toMatchObject({ fix: { outputRange: "[-1,1]" } });
        const bytes = resolvePreprocessConfig({ outputRange: "[0,255]" });
        expect(findMismatches(bytes, { output: outputStats([-0.8, -0.2, 0.3, 0.9], bytes) }, training)[0]).toMatchObject({
            kind: "output-out-of-range",
            fix: { outputRange: "[-1,1]" },
        });
        expect(findMismatches(bytes, { output: outputStats([0.1, 0.2, 0.3, 0.9], bytes) }, training)[0]).toMatchObject({
            kind: "output-range-unused",
            fix: { outputRange: "[0,1]" },
        });
    });

    test("a declared [-1,1] output that never goes below 0 suggests [0,1]; one that does is quiet", () => {
        const config = resolvePreprocessConfig({ outputRange: "[-1,1]" });
        expect(findMismatches(config, { output: outputStats([0.1, 0.4, 0.7, 0.95], config) }, training)[0]).toMatchObject({
            kind: "output-range-unused",
            fix: { outputRange: "[0,1]" },
        });
        expect(findMismatches(config, { output: outputStats([-0.7, -0.1, 0.4, 0.95], config) }, training)).toEqual([]);
    });

    test("NaN in the output is reported", () => {
        const config = resolvePreprocessConfig({});
        expect(findMismatches(config, { output: outputStats([NaN, NaN], config) }, training)[0].kind).toBe("output-not-finite");
    });
});

describe("settings file and storage", () => {
    const display = { blend: 0.5, view: "split", splitPosition: 0.3, targetHeight: 256 };
    const file = (extra: object = {}) =>
        JSON.stringify({
            format: "babylon-stylize.inspector",
            version: 1,
            model: "m.onnx",
            preprocess: {},
            overrides: { inputRange: "[0,1]" },
            display,
            ...extra,
        });

    test("round-trips a valid file", () => {
        const parsed = parseSettingsFile(file());
        expect(parsed.overrides).toEqual({ inputRange: "[0,1]" });
        expect(parsed.display).toEqual(display);
        expect(parsed.model).toBe("m.onnx");
    });

    test("the temporal settings and the frame-rate target round-trip; a file without them (older) leaves them alone", () => {
        const temporal = { reproject: false, history: 0.6 };
        expect(parseSettingsFile(file({ display: { ...display, temporal, targetFps: 30 } })).display).toEqual({ ...display, temporal, targetFps: 30 });
        expect(parseSettingsFile(file()).display).not.toHaveProperty("temporal");
        expect(parseSettingsFile(file()).display).not.toHaveProperty("targetFps");
    });

    test.each([
        ["not json", "{", /not JSON/],
        ["another format", JSON.stringify({ format: "x" }), /not a babylon-stylize inspector settings file/],
        ["a newer version", file({ version: 2 }), /version 2 is not supported/],
        ["a bad contract value", file({ overrides: { inputRange: "[0,2]" } }), /invalid value: preprocess.inputRange is "\[0,2\]"/],
        ["a bad display value", file({ display: { ...display, blend: 3 } }), /blend is 3/],
        ["missing display", file({ display: undefined }), /"display" must be an object/],
        ["a bad temporal value", file({ display: { ...display, temporal: { history: 2 } } }), /temporal.history is 2/],
        ["an unknown temporal field", file({ display: { ...display, temporal: { reprojection: true } } }), /unknown field "reprojection"/],
        ["a bad frame-rate target", file({ display: { ...display, targetFps: -5 } }), /targetFps is -5/],
    ])("rejects %s with a reason", (_label, text, message) => {
        expect(() => parseSettingsFile(text)).toThrow(SettingsFileError);
        expect(() => parseSettingsFile(text)).toThrow(message);
    });

    test("storage: saved settings come back; corrupt or stale entries are ignored", () => {
        const map = new Map<string, string>();
        const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) } as unknown as Storage;
        expect(loadStoredSettings(storage)).toEqual({ version: 1, overrides: {} });
        saveStoredSettings(storage, {
            version: 1,
            display: display as never,
            overrides: { "a.onnx": { channelOrder: "BGR" }, "old.onnx": { inputRange: "gone" as never } },
        });
        expect(loadStoredSettings(storage)).toEqual({ version: 1, display, overrides: { "a.onnx": { channelOrder: "BGR" } } });
        map.set(StorageKey, "{broken");
        expect(loadStoredSettings(storage)).toEqual({ version: 1, overrides: {} });
        expect(loadStoredSettings(undefined)).toEqual({ version: 1, overrides: {} });
    });
});
