/** How the panel writes numbers and contracts. */
import type { PreprocessConfig } from "../contract/preprocessConfig.js";

export const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : String(v));

export function describeContract(c: Pick<PreprocessConfig, "inputRange" | "outputRange" | "channelOrder" | "colorSpace" | "flipY">): string {
    return `in ${c.inputRange}, out ${c.outputRange}, ${c.channelOrder}, ${c.colorSpace}${c.flipY ? ", flipY" : ""}`;
}

export function formatPsnr(psnr: number): string {
    return Number.isFinite(psnr) ? `${psnr.toFixed(1)} dB` : "identical";
}
