/**
 * The selection mask: per pixel of the frame, how much of the stylized image the composite shows (1) over the original
 * frame (0), in two passes. Both languages ship (no GLSL->WGSL compiler fetched at run time). Depths are sampled at
 * texel centres (nearest): they are compared, never blended.
 *
 * Exclusion, rows pass (only while meshes are excluded): a pixel is excluded where the nearest excluded surface (a
 * depth pass over the excluded meshes alone) is the visible one: at the scene's depth within a relative 1e-3, or where
 * the scene drew nothing else. Each pixel keeps the strongest exclusion along its row within EdgeRadius pixels, fading
 * linearly with distance: max over dx of excluded(x + dx) * (1 - |dx| / (EdgeRadius + 1)).
 * Mask pass: the same along the column over the rows pass, so the strength is 1 on an excluded pixel and falls with the
 * Chebyshev distance around it (two 5-tap passes instead of one 25-tap search: the falloff is separable). The weight
 * is 1 - strength: exactly 0 on excluded pixels, a soft edge on the stylized side.
 * Depth range: view-space distance from the geometry pass (0 where nothing was drawn: the background, weighted by
 * mode.y); the weight rises smoothly over range.x..range.y (the near edge) and falls over range.z..range.w (the far
 * edge); equal ends make a step. mode.x = 1 applies the exclusion.
 */
export const SelectionRowsShaderName = "stylizeSelectionRows";
export const SelectionShaderName = "stylizeSelection";
export const SelectionRowsSamplers = ["sceneDepthSampler", "excludedDepthSampler"];
export const SelectionSamplers = ["sceneDepthSampler", "rowsSampler"];
export const SelectionUniforms = ["range", "mode", "size"];
/** Pixels over which the stylization fades in next to an excluded pixel. */
export const EdgeRadius = 2;

const Falloff = `(1.0 - abs(float(d)) / ${EdgeRadius + 1}.0)`;
const FalloffWgsl = `(1.0 - abs(f32(d)) / ${EdgeRadius + 1}.0)`;

export const SelectionRowsGlsl = /* glsl */ `
precision highp float;
varying vec2 vUV;
uniform sampler2D sceneDepthSampler;
uniform sampler2D excludedDepthSampler;
uniform vec4 size;
float excludedAt(vec2 texel) {
  vec2 uv = (clamp(texel, vec2(0.0), size.xy - 1.0) + 0.5) / size.xy;
  float scene = abs(texture2D(sceneDepthSampler, uv).r);
  float excluded = abs(texture2D(excludedDepthSampler, uv).r);
  return excluded > 0.0 && (scene == 0.0 || excluded <= scene * 1.001 + 1e-4) ? 1.0 : 0.0;
}
void main(void) {
  vec2 texel = floor(vUV * size.xy);
  float strength = 0.0;
  for (int d = -${EdgeRadius}; d <= ${EdgeRadius}; d++) {
    strength = max(strength, excludedAt(texel + vec2(float(d), 0.0)) * ${Falloff});
  }
  gl_FragColor = vec4(strength, 0.0, 0.0, 1.0);
}
`;

export const SelectionRowsWgsl = /* wgsl */ `
varying vUV: vec2f;
var sceneDepthSamplerSampler: sampler;
var sceneDepthSampler: texture_2d<f32>;
var excludedDepthSamplerSampler: sampler;
var excludedDepthSampler: texture_2d<f32>;
uniform size: vec4f;
fn excludedAt(texel: vec2f) -> f32 {
  let uv = (clamp(texel, vec2f(0.0), uniforms.size.xy - 1.0) + 0.5) / uniforms.size.xy;
  let scene = abs(textureSampleLevel(sceneDepthSampler, sceneDepthSamplerSampler, uv, 0.0).r);
  let excluded = abs(textureSampleLevel(excludedDepthSampler, excludedDepthSamplerSampler, uv, 0.0).r);
  return select(0.0, 1.0, excluded > 0.0 && (scene == 0.0 || excluded <= scene * 1.001 + 1e-4));
}
@fragment
fn main(input: FragmentInputs) -> FragmentOutputs {
  let texel = floor(input.vUV * uniforms.size.xy);
  var strength = 0.0;
  for (var d = -${EdgeRadius}; d <= ${EdgeRadius}; d++) {
    strength = max(strength, excludedAt(texel + vec2f(f32(d), 0.0)) * ${FalloffWgsl});
  }
  fragmentOutputs.color = vec4f(strength, 0.0, 0.0, 1.0);
}
`;

export const SelectionGlsl = /* glsl */ `
precision highp float;
varying vec2 vUV;
uniform sampler2D sceneDepthSampler;
uniform sampler2D rowsSampler;
uniform vec4 range;
uniform vec4 mode;
uniform vec4 size;
float ramp(float a, float b, float z) {
  float t = clamp((z - a) / max(b - a, 1e-6), 0.0, 1.0);
  return t * t * (3.0 - 2.0 * t);
}
void main(void) {
  vec2 texel = floor(vUV * size.xy);
  float z = abs(texture2D(sceneDepthSampler, (texel + 0.5) / size.xy).r);
  float weight = z == 0.0 ? mode.y : ramp(range.x, range.y, z) * (1.0 - ramp(range.z, range.w, z));
  if (mode.x > 0.5) {
    float strength = 0.0;
    for (int d = -${EdgeRadius}; d <= ${EdgeRadius}; d++) {
      vec2 uv = (vec2(texel.x, clamp(texel.y + float(d), 0.0, size.y - 1.0)) + 0.5) / size.xy;
      strength = max(strength, min(texture2D(rowsSampler, uv).r, ${Falloff}));
    }
    weight *= 1.0 - strength;
  }
  gl_FragColor = vec4(weight, 0.0, 0.0, 1.0);
}
`;

export const SelectionWgsl = /* wgsl */ `
varying vUV: vec2f;
var sceneDepthSamplerSampler: sampler;
var sceneDepthSampler: texture_2d<f32>;
var rowsSamplerSampler: sampler;
var rowsSampler: texture_2d<f32>;
uniform range: vec4f;
uniform mode: vec4f;
uniform size: vec4f;
fn ramp(a: f32, b: f32, z: f32) -> f32 {
  let t = clamp((z - a) / max(b - a, 1e-6), 0.0, 1.0);
  return t * t * (3.0 - 2.0 * t);
}
@fragment
fn main(input: FragmentInputs) -> FragmentOutputs {
  let size = uniforms.size.xy;
  let texel = floor(input.vUV * size);
  let z = abs(textureSampleLevel(sceneDepthSampler, sceneDepthSamplerSampler, (texel + 0.5) / size, 0.0).r);
  let r = uniforms.range;
  var weight = select(ramp(r.x, r.y, z) * (1.0 - ramp(r.z, r.w, z)), uniforms.mode.y, z == 0.0);
  if (uniforms.mode.x > 0.5) {
    var strength = 0.0;
    for (var d = -${EdgeRadius}; d <= ${EdgeRadius}; d++) {
      let uv = (vec2f(texel.x, clamp(texel.y + f32(d), 0.0, size.y - 1.0)) + 0.5) / size;
      strength = max(strength, min(textureSampleLevel(rowsSampler, rowsSamplerSampler, uv, 0.0).r, ${FalloffWgsl}));
    }
    weight *= 1.0 - strength;
  }
  fragmentOutputs.color = vec4f(weight, 0.0, 0.0, 1.0);
}
`;
