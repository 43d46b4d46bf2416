import { NullEngine } from "@babylonjs/core/Engines/nullEngine.js";
import { Scene } from "@babylonjs/core/scene.js";
import { FreeCamera } from "@babylonjs/core/Cameras/freeCamera.js";
import { Vector3 } from "@babylonjs/core/Maths/math.vector.js";
import { Logger } from "@babylonjs/core/Misc/logger.js";
import { InspectableType } from "@babylonjs/core/Misc/iInspectable.js";
import "../../../src/plugin/index";
import { PreprocessConfigError, StylizationOptionsError, type Stylization } from "../../../src/plugin/pure";

Logger.LogLevels = Logger.WarningLogLevel | Logger.ErrorLogLevel;

test("the post process lists the stylization's settings for the Babylon Inspector, and editing them edits the handle", async () => {
    const engine = new NullEngine();
    const scene = new Scene(engine);
    scene.activeCamera = new FreeCamera("camera", new Vector3(0, 0, -5), scene);
    await scene.whenReadyAsync();
    jest.spyOn(console, "error").mockImplementation(() => {});
    // A download that never finishes: the handle exists while its model loads.
    jest.spyOn(globalThis, "fetch").mockImplementation(() => new Promise<Response>(() => undefined));
    void scene.enableStylization("pending.onnx");
    const st = scene.stylization as Stylization;
    const pp = st.postProcess as unknown as Record<string, unknown>;
    const entries = st.postProcess.inspectableCustomProperties;
    const byLabel = Object.fromEntries(entries.map((e) => [e.label, e]));
    expect(Object.keys(byLabel)).toEqual([
        "Stylization enabled",
        "Freeze frame",
        "Blend",
        "View",
        "Split position",
        "Inference height",
        "Input range",
        "Output range",
        "Channel order",
        "Network colour space",
        "Flip rows",
        "Clamp output",
    ]);
    expect(byLabel["View"]).toMatchObject({ type: InspectableType.Options, options: expect.arrayContaining([{ label: "split", value: "split" }]) });
    expect(byLabel["Blend"]).toMatchObject({ type: InspectableType.Slider, min: 0, max: 1 });

    // The inspector reads and writes postProcess[propertyName].
    expect(pp[byLabel["Input range"].propertyName]).toBe("[-1,1]");
    pp[byLabel["Input range"].propertyName] = "[0,255]";
    expect(st.preprocess.inputRange).toBe("[0,255]");
    pp[byLabel["Blend"].propertyName] = 0.25;
    expect(st.blend).toBe(0.25);
    pp[byLabel["View"].propertyName] = "difference";
    expect(st.view).toBe("difference");
    pp[byLabel["Flip rows"].propertyName] = true;
    expect(st.preprocess.flipY).toBe(true);
    expect(() => (pp[byLabel["Blend"].propertyName] = 3)).toThrow(StylizationOptionsError);
    expect(() => (pp[byLabel["Channel order"].propertyName] = "GBR")).toThrow(PreprocessConfigError);
    scene.dispose();
    engine.dispose();
});
