/**
 * The temporal pass: writes, in the current frame's screen space, the stylized colour to show (rgb) and how much of it
 * to show over the current frame (a). Both languages ship (no GLSL->WGSL compiler fetched at run time).
 *
 * Reprojection (modes.x = 1): each pixel's surface is rebuilt from the current view-space depth (two points of its
 * view ray, interpolated to that depth: perspective and orthographic alike), carried into the result's clip space, and
 * the result is sampled there. Validity falls to 0 over the half pixel beyond the result's edge texels where that
 * point was off its screen, and over a texel where the result's depth disagrees (the surface was hidden then): the
 * composite shows the current frame there. modes.x = 0 samples the result where the pixel is (no warp).
 *
 * Stabilizer (modes.y > 0): the last frame's output, warped the same way with the last frame's camera (modes.z = 1)
 * or taken where the pixel is (modes.z = 0, camera unmoved), is clamped to the result's neighbourhood (the sample
 * and its four neighbouring result texels: moving content cannot ghost beyond what the result allows) and blended in with
 * weight modes.y where it was valid. The result has row 0 at the top (flipped v); depths and history are render
 * targets sampled like the frame (vUV.y = 0 at the bottom).
 */
export const TemporalShaderName = "stylizeTemporal";

export const TemporalUniforms = ["modes", "sizes", "historySize", "inverseProjection", "toResultClip", "toResultView", "toHistoryClip"];
export const TemporalSamplers = ["resultSampler", "historySampler", "currentDepthSampler", "resultDepthSampler"];

export const TemporalGlsl = /* glsl */ `
precision highp float;
varying vec2 vUV;
uniform sampler2D resultSampler;
uniform sampler2D historySampler;
uniform sampler2D currentDepthSampler;
uniform sampler2D resultDepthSampler;
uniform vec4 modes; // warp result, history weight, warp history, background view z
uniform vec4 sizes; // result depth width, height, result width, height
uniform vec4 historySize; // width, height
uniform mat4 inverseProjection;
uniform mat4 toResultClip;
uniform mat4 toResultView;
uniform mat4 toHistoryClip;
float viewZ(float stored) {
  return stored == 0.0 ? modes.w : stored;
}
float agrees(vec2 uv, float expected) {
  float z = viewZ(texture2D(resultDepthSampler, uv).r);
  return 1.0 - smoothstep(0.01, 0.05, abs(z - expected) / abs(expected));
}
float insideOf(vec4 clip, vec2 uv, vec2 size) {
  vec2 px = uv * size;
  return clip.w > 0.0 ? clamp(min(min(px.x, px.y), min(size.x - px.x, size.y - px.y)) + 0.5, 0.0, 1.0) : 0.0;
}
vec3 resultAt(vec2 uv) {
  return texture2D(resultSampler, vec2(uv.x, 1.0 - uv.y)).rgb;
}
void main(void) {
  vec2 ndc = vUV * 2.0 - 1.0;
  vec4 a = inverseProjection * vec4(ndc, 0.0, 1.0);
  vec4 b = inverseProjection * vec4(ndc, 0.5, 1.0);
  a.xyz /= a.w;
  b.xyz /= b.w;
  float z = viewZ(texture2D(currentDepthSampler, vUV).r);
  vec4 p = vec4(mix(a.xyz, b.xyz, (z - a.z) / (b.z - a.z)), 1.0);

  vec4 clip = toResultClip * p;
  vec2 ruv = modes.x > 0.5 ? clip.xy / clip.w * 0.5 + 0.5 : vUV;
  float expected = (toResultView * p).z;
  float valid = 1.0;
  if (modes.x > 0.5) {
    vec2 h = 0.5 / sizes.xy;
    float agreed = agrees(ruv - h, expected) + agrees(ruv + h, expected) + agrees(ruv + vec2(h.x, -h.y), expected) + agrees(ruv + vec2(-h.x, h.y), expected);
    valid = insideOf(clip, ruv, sizes.xy) * 0.25 * agreed;
  }
  vec3 color = resultAt(ruv);

  gl_FragColor = vec4(color, valid);
  if (modes.y > 0.0) {
    vec4 hclip = toHistoryClip * p;
    vec2 huv = modes.z > 0.5 ? hclip.xy / hclip.w * 0.5 + 0.5 : vUV;
    vec4 history = texture2D(historySampler, huv);
    float weight = modes.y * history.a * (modes.z > 0.5 ? insideOf(hclip, huv, historySize.xy) : 1.0);
    vec2 d = 1.0 / sizes.zw;
    vec3 n1 = resultAt(ruv + vec2(d.x, 0.0));
    vec3 n2 = resultAt(ruv - vec2(d.x, 0.0));
    vec3 n3 = resultAt(ruv + vec2(0.0, d.y));
    vec3 n4 = resultAt(ruv - vec2(0.0, d.y));
    vec3 lo = min(min(color, n1), min(min(n2, n3), n4));
    vec3 hi = max(max(color, n1), max(max(n2, n3), n4));
    gl_FragColor.rgb = mix(color, clamp(history.rgb, lo, hi), weight);
  }
}
`;

export const TemporalWgsl = /* wgsl */ `
varying vUV: vec2f;
var resultSamplerSampler: sampler;
var resultSampler: texture_2d<f32>;
var historySamplerSampler: sampler;
var historySampler: texture_2d<f32>;
var currentDepthSamplerSampler: sampler;
var currentDepthSampler: texture_2d<f32>;
var resultDepthSamplerSampler: sampler;
var resultDepthSampler: texture_2d<f32>;
uniform modes: vec4f;
uniform sizes: vec4f;
uniform historySize: vec4f;
uniform inverseProjection: mat4x4f;
uniform toResultClip: mat4x4f;
uniform toResultView: mat4x4f;
uniform toHistoryClip: mat4x4f;
fn viewZ(stored: f32) -> f32 {
  return select(stored, uniforms.modes.w, stored == 0.0);
}
fn agrees(uv: vec2f, expected: f32) -> f32 {
  let z = viewZ(textureSampleLevel(resultDepthSampler, resultDepthSamplerSampler, uv, 0.0).r);
  return 1.0 - smoothstep(0.01, 0.05, abs(z - expected) / abs(expected));
}
fn insideOf(clip: vec4f, uv: vec2f, size: vec2f) -> f32 {
  let px = uv * size;
  return select(0.0, clamp(min(min(px.x, px.y), min(size.x - px.x, size.y - px.y)) + 0.5, 0.0, 1.0), clip.w > 0.0);
}
fn resultAt(uv: vec2f) -> vec3f {
  return textureSampleLevel(resultSampler, resultSamplerSampler, vec2f(uv.x, 1.0 - uv.y), 0.0).rgb;
}
@fragment
fn main(input: FragmentInputs) -> FragmentOutputs {
  let m = uniforms.modes;
  let s = uniforms.sizes;
  let ndc = input.vUV * 2.0 - 1.0;
  let a4 = uniforms.inverseProjection * vec4f(ndc, 0.0, 1.0);
  let b4 = uniforms.inverseProjection * vec4f(ndc, 0.5, 1.0);
  let a = a4.xyz / a4.w;
  let b = b4.xyz / b4.w;
  let z = viewZ(textureSampleLevel(currentDepthSampler, currentDepthSamplerSampler, input.vUV, 0.0).r);
  let p = vec4f(mix(a, b, (z - a.z) / (b.z - a.z)), 1.0);

  let clip = uniforms.toResultClip * p;
  let ruv = select(input.vUV, clip.xy / clip.w * 0.5 + 0.5, m.x > 0.5);
  let expected = (uniforms.toResultView * p).z;
  var valid = 1.0;
  if (m.x > 0.5) {
    let h = 0.5 / s.xy;
    let agreed = agrees(ruv - h, expected) + agrees(ruv + h, expected) + agrees(ruv + vec2f(h.x, -h.y), expected) + agrees(ruv + vec2f(-h.x, h.y), expected);
    valid = insideOf(clip, ruv, s.xy) * 0.25 * agreed;
  }
  let color = resultAt(ruv);

  var out = vec4f(color, valid);
  if (m.y > 0.0) {
    let hclip = uniforms.toHistoryClip * p;
    let huv = select(input.vUV, hclip.xy / hclip.w * 0.5 + 0.5, m.z > 0.5);
    let history = textureSampleLevel(historySampler, historySamplerSampler, huv, 0.0);
    let weight = m.y * history.a * select(1.0, insideOf(hclip, huv, uniforms.historySize.xy), m.z > 0.5);
    let d = 1.0 / s.zw;
    let n1 = resultAt(ruv + vec2f(d.x, 0.0));
    let n2 = resultAt(ruv - vec2f(d.x, 0.0));
    let n3 = resultAt(ruv + vec2f(0.0, d.y));
    let n4 = resultAt(ruv - vec2f(0.0, d.y));
    let lo = min(min(color, n1), min(min(n2, n3), n4));
    let hi = max(max(color, n1), max(max(n2, n3), n4));
    out = vec4f(mix(color, clamp(history.rgb, lo, hi), weight), valid);
  }
  fragmentOutputs.color = out;
}
`;
