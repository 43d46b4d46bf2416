/** What `auto` does after the running provider failed: fall back, report as is, or name every reason at once. */
import { ProviderChoice } from "../../../src/plugin/infer/providerChoice";
import { ExecutionProviderError, InferenceError, ProviderRunError } from "../../../src/plugin/errors";

const runFailure = new ProviderRunError("webgpu", "model m.onnx failed on webgpu: device hung");

describe("ProviderChoice.afterRunFailure", () => {
    test("with candidates left: their plan, the failure added to the reasons, and a console warning", () => {
        const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
        const choice = new ProviderChoice("auto");
        choice.opened([{ provider: "webgl", reason: "never auto" }], ["wasm"]);
        expect(choice.afterRunFailure("webgpu", runFailure, "m.onnx")).toEqual({
            plan: {
                candidates: ["wasm"],
                skipped: [
                    { provider: "webgl", reason: "never auto" },
                    { provider: "webgpu", reason: "failed to run: model m.onnx failed on webgpu: device hung" },
                ],
            },
        });
        expect(warn).toHaveBeenCalledWith("[stylization] model m.onnx failed on webgpu: device hung; falling back to the wasm execution provider");
        warn.mockRestore();
    });

    test("a failure that is not the provider's (a stage, a model) is reported as it is", () => {
        const choice = new ProviderChoice("auto");
        choice.opened([], ["wasm"]);
        const stage = new InferenceError("stylization stopped: the present stage failed");
        expect(choice.afterRunFailure("webgpu", stage, "m.onnx")).toEqual({ error: stage });
    });

    test("the only provider failing to run is reported as it is; after other failures, one error names them all", () => {
        const alone = new ProviderChoice("wasm");
        alone.opened([], []);
        expect(alone.afterRunFailure("wasm", runFailure, "m.onnx")).toEqual({ error: runFailure });

        const last = new ProviderChoice("auto");
        last.opened([{ provider: "webgpu", reason: "failed to run: device hung" }], []);
        const result = last.afterRunFailure("wasm", new ProviderRunError("wasm", "out of memory"), "m.onnx");
        expect("error" in result && result.error).toBeInstanceOf(ExecutionProviderError);
        expect("error" in result && result.error.message).toBe(
            "model m.onnx: no execution provider could run it: [webgpu] failed to run: device hung; [wasm] failed to run: out of memory"
        );
    });
});
