// Compiled by test/unit/types.test.ts with test/types/tsconfig.json: what a game written against the library sees.
import type { Scene } from "@babylonjs/core/scene.js";
import "babylon-stylize";

export async function useStylization(scene: Scene): Promise<number> {
    const st = await scene.enableStylization("m.onnx", { targetHeight: 360, preprocess: { inputRange: "[-1,1]" } });
    st.preprocess.channelOrder = "BGR";
    st.view = "split";
    const frames: number = st.stats.framesStylized;
    const current = scene.stylization;
    current?.dispose();
    scene.disableStylization();
    return frames;
}

export async function misuse(scene: Scene): Promise<void> {
    // @ts-expect-error view is "stylized" | "original" | "split" | "difference"
    await scene.enableStylization("m.onnx", { view: "sideways" });
    // @ts-expect-error inputRange is one of the known ranges, not any string
    await scene.enableStylization("m.onnx", { preprocess: { inputRange: "[0,2]" } });
    // @ts-expect-error a model is a URL or the bytes of a file
    await scene.enableStylization(42);
    const st = await scene.enableStylization(new Uint8Array(0));
    // @ts-expect-error channelOrder is "RGB" | "BGR"
    st.preprocess.channelOrder = "GBR";
    // @ts-expect-error scene.stylization is read-only
    scene.stylization = null;
}
