/**
 * `babylon-stylize/pure` registers nothing on import: no Scene methods, no shaders, no Babylon classes or engine
 * extensions. Checked at run time (this file's module registry starts empty) and statically over every Babylon module
 * the entry reaches.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pure from "../../../src/plugin/pure";
import { Scene } from "@babylonjs/core/scene.pure.js";
import { ShaderStore } from "@babylonjs/core/Engines/shaderStore.js";
import { GetClass } from "@babylonjs/core/Misc/typeStore.js";
import { resolveRelative, walk } from "./importGraph";

const root = join(__dirname, "..", "..", "..");

/** Module-level statements by which a Babylon module registers something when imported. */
const RegistersOnImport = [
    /^Register\w*\(\);?$/m, // the side-effect wrapper of a .pure module
    /^import "[^"]+";$/m, // a side-effect import
    /^RegisterClass\(/m,
    /^\w+\.prototype\.\w+\s*=/m,
    /^Object\.defineProperty\(\w+\.prototype/m,
    /^ShaderStore\.Shaders\w*\[/m,
];

describe("the pure entry", () => {
    test("importing it registered nothing", () => {
        expect(typeof pure.RegisterStylizationSceneComponent).toBe("function");
        expect("enableStylization" in Scene.prototype).toBe(false);
        expect("stylization" in Scene.prototype).toBe(false);
        const shaders = [...Object.keys(ShaderStore.ShadersStore), ...Object.keys(ShaderStore.ShadersStoreWGSL)].filter((name) => /stylize/i.test(name));
        expect(shaders).toEqual([]);
        expect(GetClass("BABYLON.PostProcess")).toBeUndefined();
        expect(GetClass("BABYLON.ComputeShader")).toBeUndefined();
    });

    test("RegisterStylizationSceneComponent() adds the Scene methods, once", () => {
        pure.RegisterStylizationSceneComponent();
        pure.RegisterStylizationSceneComponent();
        expect(typeof Scene.prototype.enableStylization).toBe("function");
        expect(typeof Scene.prototype.disableStylization).toBe("function");
        expect(Object.getOwnPropertyDescriptor(Scene.prototype, "stylization")?.get).toBeDefined();
    });

    test("no Babylon module it reaches registers anything on import", () => {
        const resolveSpecifier = (from: string, specifier: string) =>
            specifier.startsWith("@babylonjs/core/") ? join(root, "node_modules", specifier) : resolveRelative(from, specifier);
        const { files } = walk([join(root, "src", "plugin", "pure.ts")], ["runtime"], resolveSpecifier);
        const babylon = [...files].filter((f) => f.includes(join("node_modules", "@babylonjs")));
        expect(babylon.length).toBeGreaterThan(20); // the walk follows Babylon's own imports
        const registering = babylon.filter((f) => RegistersOnImport.some((pattern) => pattern.test(readFileSync(f, "utf8"))));
        expect(registering.map((f) => f.slice(f.indexOf("@babylonjs")))).toEqual([]);
        // The check itself: Babylon's non-pure wrappers are caught.
        const wrapper = join(root, "node_modules", "@babylonjs", "core", "PostProcesses", "postProcess.js");
        expect(RegistersOnImport.some((pattern) => pattern.test(readFileSync(wrapper, "utf8")))).toBe(true);
    });
});
