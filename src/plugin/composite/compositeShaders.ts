/**
 * Composite: draws the scene frame and the stylized image according to the view mode. Both languages ship so that
 * Babylon never fetches its GLSL->WGSL compiler at run time on WebGPU.
 * view: 0 stylized (blended by `blend`), 1 original, 2 split (original left of `splitPosition`), 3 difference.
 * The stylized image has row 0 at the top (uploaded rows, or compute-written texel rows) while vUV.y = 0 is the
 * bottom on both engines, hence the flipped v when sampling it.
 *
 * Reprojection (temporal.x = 1; see temporal/reprojection.ts): each pixel's surface is rebuilt from the current view-space
 * depth (two points of its view ray, interpolated to that depth: perspective and orthographic alike), carried into the
 * result's clip space, and the result is sampled there. Its weight falls to 0 over the half pixel beyond the result's edge
 * texels where that point was off its screen, and over a texel where the result's depth disagrees (the surface was hidden then): there the
 * current frame shows. temporal.x = 0 samples the result as it is (the camera did not move, or reprojection is off).
 */
export const CompositeShaderName = "stylizeComposite";

export const CompositeGlsl = /* glsl */ `
precision highp float;
varying vec2 vUV;
uniform sampler2D textureSampler;
uniform sampler2D stylizedSampler;
uniform vec4 settings; // blend, view, splitPosition, hasResult
uniform sampler2D currentDepthSampler;
uniform sampler2D resultDepthSampler;
uniform vec4 temporal; // reproject, backgroundZ, result depth width, height
uniform mat4 inverseProjection;
uniform mat4 toResultClip;
uniform mat4 toResultView;
float viewZ(float stored) {
  return stored == 0.0 ? temporal.y : stored;
}
float agrees(vec2 uv, float expected) {
  float z = viewZ(texture2D(resultDepthSampler, uv).r);
  return 1.0 - smoothstep(0.01, 0.05, abs(z - expected) / abs(expected));
}
void main(void) {
  vec4 original = texture2D(textureSampler, vUV);
  vec2 ndc = vUV * 2.0 - 1.0;
  vec4 a = inverseProjection * vec4(ndc, 0.0, 1.0);
  vec4 b = inverseProjection * vec4(ndc, 0.5, 1.0);
  a.xyz /= a.w;
  b.xyz /= b.w;
  float z = viewZ(texture2D(currentDepthSampler, vUV).r);
  vec4 p = vec4(mix(a.xyz, b.xyz, (z - a.z) / (b.z - a.z)), 1.0);
  vec4 clip = toResultClip * p;
  vec2 ruv = clip.xy / clip.w * 0.5 + 0.5;
  float expected = (toResultView * p).z;
  vec2 px = ruv * temporal.zw;
  float inside = clip.w > 0.0 ? clamp(min(min(px.x, px.y), min(temporal.z - px.x, temporal.w - px.y)) + 0.5, 0.0, 1.0) : 0.0;
  vec2 h = 0.5 / temporal.zw;
  float agreed = agrees(ruv - h, expected) + agrees(ruv + h, expected) + agrees(ruv + vec2(h.x, -h.y), expected) + agrees(ruv + vec2(-h.x, h.y), expected);
  float weight = temporal.x > 0.5 ? inside * 0.25 * agreed : 1.0;
  vec2 suv = temporal.x > 0.5 ? vec2(ruv.x, 1.0 - ruv.y) : vec2(vUV.x, 1.0 - vUV.y);
  vec3 result = texture2D(stylizedSampler, suv).rgb;
  vec4 stylized = vec4(weight < 1.0 ? mix(original.rgb, result, weight) : result, original.a);
  float view = settings.y;
  if (settings.w < 0.5 || view > 0.5 && view < 1.5) {
    gl_FragColor = original;
  } else if (view > 2.5) {
    gl_FragColor = vec4(abs(stylized.rgb - original.rgb), original.a);
  } else {
    vec4 mixed = mix(original, stylized, settings.x);
    if (view > 1.5) {
      float edge = abs(vUV.x - settings.z);
      mixed = vUV.x < settings.z ? original : mixed;
      mixed = edge < 0.002 ? vec4(1.0, 1.0, 1.0, original.a) : mixed;
    }
    gl_FragColor = mixed;
  }
}
`;

export const CompositeWgsl = /* wgsl */ `
varying vUV: vec2f;
var textureSamplerSampler: sampler;
var textureSampler: texture_2d<f32>;
var stylizedSamplerSampler: sampler;
var stylizedSampler: texture_2d<f32>;
uniform settings: vec4f;
var currentDepthSamplerSampler: sampler;
var currentDepthSampler: texture_2d<f32>;
var resultDepthSamplerSampler: sampler;
var resultDepthSampler: texture_2d<f32>;
uniform temporal: vec4f;
uniform inverseProjection: mat4x4f;
uniform toResultClip: mat4x4f;
uniform toResultView: mat4x4f;
fn viewZ(stored: f32) -> f32 {
  return select(stored, uniforms.temporal.y, stored == 0.0);
}
fn agrees(uv: vec2f, expected: f32) -> f32 {
  let z = viewZ(textureSampleLevel(resultDepthSampler, resultDepthSamplerSampler, uv, 0.0).r);
  return 1.0 - smoothstep(0.01, 0.05, abs(z - expected) / abs(expected));
}
@fragment
fn main(input: FragmentInputs) -> FragmentOutputs {
  let original = textureSample(textureSampler, textureSamplerSampler, input.vUV);
  let t = uniforms.temporal;
  let ndc = input.vUV * 2.0 - 1.0;
  let a4 = uniforms.inverseProjection * vec4f(ndc, 0.0, 1.0);
  let b4 = uniforms.inverseProjection * vec4f(ndc, 0.5, 1.0);
  let a = a4.xyz / a4.w;
  let b = b4.xyz / b4.w;
  let z = viewZ(textureSampleLevel(currentDepthSampler, currentDepthSamplerSampler, input.vUV, 0.0).r);
  let p = vec4f(mix(a, b, (z - a.z) / (b.z - a.z)), 1.0);
  let clip = uniforms.toResultClip * p;
  let ruv = clip.xy / clip.w * 0.5 + 0.5;
  let expected = (uniforms.toResultView * p).z;
  let px = ruv * t.zw;
  let inside = select(0.0, clamp(min(min(px.x, px.y), min(t.z - px.x, t.w - px.y)) + 0.5, 0.0, 1.0), clip.w > 0.0);
  let h = 0.5 / t.zw;
  let agreed = agrees(ruv - h, expected) + agrees(ruv + h, expected) + agrees(ruv + vec2f(h.x, -h.y), expected) + agrees(ruv + vec2f(-h.x, h.y), expected);
  let weight = select(1.0, inside * 0.25 * agreed, t.x > 0.5);
  let suv = select(vec2f(input.vUV.x, 1.0 - input.vUV.y), vec2f(ruv.x, 1.0 - ruv.y), t.x > 0.5);
  let result = textureSample(stylizedSampler, stylizedSamplerSampler, suv).rgb;
  let stylized = vec4f(select(result, mix(original.rgb, result, weight), weight < 1.0), original.a);
  let s = uniforms.settings;
  var color = mix(original, stylized, s.x);
  if (s.y > 1.5 && s.y < 2.5) {
    color = select(color, original, input.vUV.x < s.z);
    color = select(color, vec4f(1.0, 1.0, 1.0, original.a), abs(input.vUV.x - s.z) < 0.002);
  }
  if (s.y > 2.5) {
    color = vec4f(abs(stylized.rgb - original.rgb), original.a);
  }
  if (s.w < 0.5 || (s.y > 0.5 && s.y < 1.5)) {
    color = original;
  }
  fragmentOutputs.color = color;
}
`;
