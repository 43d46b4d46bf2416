/**
 * The selection mask: per pixel of the frame, how much of the stylized image the composite shows (1) over the original
 * frame (0). Both languages ship (no GLSL->WGSL compiler fetched at run time).
 *
 * Depth range: view-space distance from the geometry pass (0 where nothing was drawn: the background, weighted by
 * mode.y). The weight rises smoothly over range.x..range.y (the near edge) and falls over range.z..range.w (the far
 * edge); equal ends make a step.
 * Exclusion (mode.x = 1): a pixel is excluded where the nearest excluded surface (a depth pass over the excluded meshes
 * only) is the visible one: at the scene's depth, within a relative 1e-3, or where the scene drew nothing else. An
 * excluded pixel gets weight 0, exactly; its neighbours within EdgeRadius pixels fall off linearly with distance, so
 * the edge is soft on the stylized side and every excluded pixel still shows the original frame.
 * Depths are sampled at texel centres (nearest): they are compared, never blended.
 */
export const SelectionShaderName = "stylizeSelection";
export const SelectionUniforms = ["range", "mode", "size"];
export const SelectionSamplers = ["sceneDepthSampler", "excludedDepthSampler"];
/** Pixels over which the stylization fades in next to an excluded pixel. */
export const EdgeRadius = 2;

export const SelectionGlsl = /* glsl */ `
precision highp float;
varying vec2 vUV;
uniform sampler2D sceneDepthSampler;
uniform sampler2D excludedDepthSampler;
uniform vec4 range;
uniform vec4 mode;
uniform vec4 size;
float ramp(float a, float b, float z) {
  float t = clamp((z - a) / max(b - a, 1e-6), 0.0, 1.0);
  return t * t * (3.0 - 2.0 * t);
}
float excludedAt(vec2 texel) {
  vec2 uv = (clamp(texel, vec2(0.0), size.xy - 1.0) + 0.5) / size.xy;
  float scene = abs(texture2D(sceneDepthSampler, uv).r);
  float excluded = abs(texture2D(excludedDepthSampler, uv).r);
  return excluded > 0.0 && (scene == 0.0 || excluded <= scene * 1.001 + 1e-4) ? 1.0 : 0.0;
}
void main(void) {
  vec2 texel = floor(vUV * size.xy);
  float z = abs(texture2D(sceneDepthSampler, (texel + 0.5) / size.xy).r);
  float weight = z == 0.0 ? mode.y : ramp(range.x, range.y, z) * (1.0 - ramp(range.z, range.w, z));
  if (mode.x > 0.5) {
    float strength = 0.0;
    for (int dy = -${EdgeRadius}; dy <= ${EdgeRadius}; dy++) {
      for (int dx = -${EdgeRadius}; dx <= ${EdgeRadius}; dx++) {
        float d = length(vec2(float(dx), float(dy)));
        if (d <= ${EdgeRadius}.5) {
          strength = max(strength, excludedAt(texel + vec2(float(dx), float(dy))) * (1.0 - d / ${EdgeRadius + 1}.0));
        }
      }
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
var excludedDepthSamplerSampler: sampler;
var excludedDepthSampler: texture_2d<f32>;
uniform range: vec4f;
uniform mode: vec4f;
uniform size: vec4f;
fn ramp(a: f32, b: f32, z: f32) -> f32 {
  let t = clamp((z - a) / max(b - a, 1e-6), 0.0, 1.0);
  return t * t * (3.0 - 2.0 * t);
}
fn excludedAt(texel: vec2f) -> f32 {
  let uv = (clamp(texel, vec2f(0.0), uniforms.size.xy - 1.0) + 0.5) / uniforms.size.xy;
  let scene = abs(textureSampleLevel(sceneDepthSampler, sceneDepthSamplerSampler, uv, 0.0).r);
  let excluded = abs(textureSampleLevel(excludedDepthSampler, excludedDepthSamplerSampler, uv, 0.0).r);
  return select(0.0, 1.0, excluded > 0.0 && (scene == 0.0 || excluded <= scene * 1.001 + 1e-4));
}
@fragment
fn main(input: FragmentInputs) -> FragmentOutputs {
  let texel = floor(input.vUV * uniforms.size.xy);
  let z = abs(textureSampleLevel(sceneDepthSampler, sceneDepthSamplerSampler, (texel + 0.5) / uniforms.size.xy, 0.0).r);
  let r = uniforms.range;
  var weight = select(ramp(r.x, r.y, z) * (1.0 - ramp(r.z, r.w, z)), uniforms.mode.y, z == 0.0);
  if (uniforms.mode.x > 0.5) {
    var strength = 0.0;
    for (var dy = -${EdgeRadius}; dy <= ${EdgeRadius}; dy++) {
      for (var dx = -${EdgeRadius}; dx <= ${EdgeRadius}; dx++) {
        let d = length(vec2f(f32(dx), f32(dy)));
        if (d <= ${EdgeRadius}.5) {
          strength = max(strength, excludedAt(texel + vec2f(f32(dx), f32(dy))) * (1.0 - d / ${EdgeRadius + 1}.0));
        }
      }
    }
    weight *= 1.0 - strength;
  }
  fragmentOutputs.color = vec4f(weight, 0.0, 0.0, 1.0);
}
`;
