/**
 * The contract as the GPU passes receive it: {@link PreprocessParams} packed into six vec4 uniforms (with the frame
 * mapping and the guides), and the colour
 * conversions written once per shading language. The preprocess and postprocess shaders apply exactly the formulas of
 * `cpuReference.ts`; a browser test proves both GPU paths equal the CPU reference.
 */
import { type PreprocessParams } from "./preprocessConfig.js";
import { DisplayMapping, FrameMappingGlsl, FrameMappingWgsl, type FrameMapping } from "./frameMapping.js";
import { packGuides, type GuideSpec } from "./guides.js";

/** The contract as six vec4 uniforms, the same layout in WGSL, GLSL and the uniform buffer. */
export type PackedParams = [number[], number[], number[], number[], number[], number[]];

/**
 * `mapping`: how the captured frame is displayed (see frameMapping.ts), applied before the contract; `guides`: the
 * guide channels the capture writes after RGB (see guides.ts).
 */
export function packParams(p: PreprocessParams, width: number, height: number, mapping: FrameMapping = DisplayMapping, guides?: GuideSpec): PackedParams {
    return [
        [p.inScale[0], p.inScale[1], p.inScale[2], p.nearest],
        [p.inBias[0], p.inBias[1], p.inBias[2], p.flipY],
        [p.source[0], p.source[1], p.source[2], p.inConversion],
        [width, height, p.outScale, p.outBias],
        [p.outConversion, p.clamp, mapping.mode, mapping.exposure],
        packGuides(guides),
    ];
}

export const ParamNames = ["p0", "p1", "p2", "p3", "p4", "p5"] as const;

/** The params struct and colour conversions, shared by the WGSL passes of preprocess and postprocess. */
export const WgslCommon = /* wgsl */ `
struct StylizeParams { p0: vec4f, p1: vec4f, p2: vec4f, p3: vec4f, p4: vec4f, p5: vec4f };
fn depthGuide(z: f32, p: vec4f) -> f32 { return select(clamp((abs(z) - p.y) / (p.z - p.y), 0.0, 1.0), 1.0, z == 0.0); }
fn srgbToLinear(v: f32) -> f32 { return select(pow((v + 0.055) / 1.055, 2.4), v / 12.92, v <= 0.04045); }
fn linearToSrgb(v: f32) -> f32 { return select(1.055 * pow(v, 1.0 / 2.4) - 0.055, v * 12.92, v <= 0.0031308); }
fn convertColor(v: f32, mode: f32) -> f32 {
  if (mode < 0.5) { return v; }
  let c = clamp(v, 0.0, 1.0);
  if (mode < 1.5) { return srgbToLinear(c); }
  return linearToSrgb(c);
}
${FrameMappingWgsl}`;

/** The same colour conversions in GLSL. */
export const GlslCommon = /* glsl */ `
float depthGuide(float z, vec4 p) { return z == 0.0 ? 1.0 : clamp((abs(z) - p.y) / (p.z - p.y), 0.0, 1.0); }
float srgbToLinear(float v) { return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4); }
float linearToSrgb(float v) { return v <= 0.0031308 ? v * 12.92 : 1.055 * pow(v, 1.0 / 2.4) - 0.055; }
float convertColor(float v, float mode) {
  if (mode < 0.5) { return v; }
  float c = clamp(v, 0.0, 1.0);
  return mode < 1.5 ? srgbToLinear(c) : linearToSrgb(c);
}
${FrameMappingGlsl}`;
