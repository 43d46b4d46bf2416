/**
 * The temporal pass: writes, in the current frame's screen space, the stylized colour to show (rgb) and how much of it
 * to show over the current frame (a). Both languages ship (no GLSL->WGSL compiler fetched at run time).
 *
 * Reprojection (modes.x = 2): each pixel's surface is rebuilt from the current view-space depth (two points of its
 * view ray, interpolated to that depth: perspective and orthographic alike), carried into the result's clip space, and
 * the result is sampled there. Validity falls to 0 over the half pixel beyond the result's edge texels where that
 * point was off its screen, and over a texel where the result's depth disagrees (the surface was hidden then): the
 * composite shows the current frame there. modes.x = 1: the camera has not moved since the capture, the result is
 * sampled where the pixel is and validity is still tested (objects may have moved), on the pixel's own texel where
 * its surface did not move either (a static frame shows the result exactly); 0: no capture depth, no test.
 *
 * Objects that move by themselves (motion.y = 1): the geometry pass's velocity says where the pixel's surface was last
 * frame; the camera alone would have put it where the last camera sees the rebuilt point. The difference is the
 * surface's own motion over that frame (`ownMotion`: 0 below a quarter pixel, so static surfaces stay exact; capped
 * at a quarter of the frame, as a mesh's first frame has no last matrices and a meaningless velocity). The motion chain
 * (MotionChainGlsl) sums it frame by frame since a capture, following each surface back; the result is sampled that
 * much further (motion.x = 1: the shown result has a chain), the history by the last frame's own motion.
 *
 * Stabilizer (modes.y > 0): the last frame's output, warped the same way with the last frame's camera (modes.z = 1)
 * or taken where the pixel is (modes.z = 0, camera unmoved), is clamped to the result's neighbourhood (the sample
 * and its four neighbouring result texels: moving content cannot ghost beyond what the result allows) and blended in with
 * weight modes.y where it was valid. The result has row 0 at the top (flipped v); depths, motions and history are render
 * targets sampled like the frame (vUV.y = 0 at the bottom).
 */
export const TemporalShaderName = "stylizeTemporal";
export const MotionChainShaderName = "stylizeMotionChain";

export const TemporalUniforms = ["modes", "sizes", "historySize", "motion", "inverseProjection", "toResultClip", "toResultView", "toHistoryClip", "toLastClip"];
export const TemporalSamplers = ["resultSampler", "historySampler", "currentDepthSampler", "resultDepthSampler", "velocitySampler", "chainSampler"];
export const MotionChainUniforms = ["chain", "inverseProjection", "toLastClip"];
export const MotionChainSamplers = ["currentDepthSampler", "velocitySampler", "previousSampler"];

const SurfaceGlsl = /* glsl */ `
vec4 surfaceAt(vec2 uv, float z, mat4 inverseProjection) {
  vec2 ndc = uv * 2.0 - 1.0;
  vec4 a = inverseProjection * vec4(ndc, 0.0, 1.0);
  vec4 b = inverseProjection * vec4(ndc, 0.5, 1.0);
  a.xyz /= a.w;
  b.xyz /= b.w;
  return vec4(mix(a.xyz, b.xyz, (z - a.z) / (b.z - a.z)), 1.0);
}
vec2 ownMotion(vec2 uv, vec4 p, vec2 velocity, mat4 toLastClip, vec2 size) {
  vec4 last = toLastClip * p;
  vec2 own = uv + velocity - (last.xy / last.w * 0.5 + 0.5);
  return length(own * size) < 0.25 ? vec2(0.0) : clamp(own, -0.25, 0.25);
}
`;

const SurfaceWgsl = /* wgsl */ `
fn surfaceAt(uv: vec2f, z: f32, inverseProjection: mat4x4f) -> vec4f {
  let ndc = uv * 2.0 - 1.0;
  let a4 = inverseProjection * vec4f(ndc, 0.0, 1.0);
  let b4 = inverseProjection * vec4f(ndc, 0.5, 1.0);
  let a = a4.xyz / a4.w;
  let b = b4.xyz / b4.w;
  return vec4f(mix(a, b, (z - a.z) / (b.z - a.z)), 1.0);
}
fn ownMotion(uv: vec2f, p: vec4f, velocity: vec2f, toLastClip: mat4x4f, size: vec2f) -> vec2f {
  let last = toLastClip * p;
  let own = uv + velocity - (last.xy / last.w * 0.5 + 0.5);
  return select(clamp(own, vec2f(-0.25), vec2f(0.25)), vec2f(0.0), length(own * size) < 0.25);
}
`;

/**
 * One step of a motion chain: the surfaces' own screen motion summed since a capture. Each pixel adds this frame's own
 * motion to the sum the chain held last frame where its surface was then (chain.x = 0: the capture was last frame, the
 * sum starts at 0; off screen then: 0). Nothing drawn: 0.
 */
export const MotionChainGlsl = /* glsl */ `
precision highp float;
varying vec2 vUV;
uniform sampler2D currentDepthSampler;
uniform sampler2D velocitySampler;
uniform sampler2D previousSampler;
uniform vec4 chain; // carried over, unused, frame width, height
uniform mat4 inverseProjection;
uniform mat4 toLastClip;
${SurfaceGlsl}
void main(void) {
  float stored = texture2D(currentDepthSampler, vUV).r;
  vec2 offset = vec2(0.0);
  if (stored != 0.0) {
    vec2 velocity = texture2D(velocitySampler, vUV).rg;
    offset = ownMotion(vUV, surfaceAt(vUV, stored, inverseProjection), velocity, toLastClip, chain.zw);
    vec2 was = vUV + velocity;
    if (chain.x > 0.5 && was.x >= 0.0 && was.y >= 0.0 && was.x <= 1.0 && was.y <= 1.0) {
      offset += texture2D(previousSampler, was).rg;
    }
  }
  gl_FragColor = vec4(offset, 0.0, 1.0);
}
`;

export const MotionChainWgsl = /* wgsl */ `
varying vUV: vec2f;
var currentDepthSamplerSampler: sampler;
var currentDepthSampler: texture_2d<f32>;
var velocitySamplerSampler: sampler;
var velocitySampler: texture_2d<f32>;
var previousSamplerSampler: sampler;
var previousSampler: texture_2d<f32>;
uniform chain: vec4f;
uniform inverseProjection: mat4x4f;
uniform toLastClip: mat4x4f;
${SurfaceWgsl}
@fragment
fn main(input: FragmentInputs) -> FragmentOutputs {
  let stored = textureSampleLevel(currentDepthSampler, currentDepthSamplerSampler, input.vUV, 0.0).r;
  let velocity = textureSampleLevel(velocitySampler, velocitySamplerSampler, input.vUV, 0.0).rg;
  let was = input.vUV + velocity;
  let previous = textureSampleLevel(previousSampler, previousSamplerSampler, was, 0.0).rg;
  var offset = vec2f(0.0);
  if (stored != 0.0) {
    offset = ownMotion(input.vUV, surfaceAt(input.vUV, stored, uniforms.inverseProjection), velocity, uniforms.toLastClip, uniforms.chain.zw);
    if (uniforms.chain.x > 0.5 && all(was >= vec2f(0.0)) && all(was <= vec2f(1.0))) {
      offset += previous;
    }
  }
  fragmentOutputs.color = vec4f(offset, 0.0, 1.0);
}
`;

export const TemporalGlsl = /* glsl */ `
precision highp float;
varying vec2 vUV;
uniform sampler2D resultSampler;
uniform sampler2D historySampler;
uniform sampler2D currentDepthSampler;
uniform sampler2D resultDepthSampler;
uniform sampler2D velocitySampler;
uniform sampler2D chainSampler;
uniform vec4 modes; // result test or warp, history weight, warp history, background view z
uniform vec4 sizes; // result depth width, height, result width, height
uniform vec4 historySize; // width, height
uniform vec4 motion; // result chain, objects followed, frame width, height
uniform mat4 inverseProjection;
uniform mat4 toResultClip;
uniform mat4 toResultView;
uniform mat4 toHistoryClip;
uniform mat4 toLastClip;
${SurfaceGlsl}
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
  float stored = texture2D(currentDepthSampler, vUV).r;
  vec4 p = surfaceAt(vUV, viewZ(stored), inverseProjection);
  vec2 own = vec2(0.0);
  vec2 chained = vec2(0.0);
  if (motion.y > 0.5 && stored != 0.0) {
    own = ownMotion(vUV, p, texture2D(velocitySampler, vUV).rg, toLastClip, motion.zw);
    chained = motion.x > 0.5 ? texture2D(chainSampler, vUV).rg : vec2(0.0);
  }

  vec4 clip = toResultClip * p;
  vec2 ruv = (modes.x > 1.5 ? clip.xy / clip.w * 0.5 + 0.5 : vUV) + chained;
  float expected = (toResultView * p).z;
  float valid = 1.0;
  if (modes.x > 0.5) {
    vec2 h = 0.5 / sizes.xy;
    // Nothing moved at this pixel (camera and surface): its own texel decides, exactly; else four taps, a soft edge.
    float agreed = modes.x < 1.5 && chained == vec2(0.0)
      ? 4.0 * agrees(ruv, expected)
      : agrees(ruv - h, expected) + agrees(ruv + h, expected) + agrees(ruv + vec2(h.x, -h.y), expected) + agrees(ruv + vec2(-h.x, h.y), expected);
    valid = insideOf(clip, ruv, sizes.xy) * 0.25 * agreed;
  }
  vec3 color = resultAt(ruv);

  gl_FragColor = vec4(color, valid);
  if (modes.y > 0.0) {
    vec4 hclip = toHistoryClip * p;
    vec2 huv = (modes.z > 0.5 ? hclip.xy / hclip.w * 0.5 + 0.5 : vUV) + own;
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
var velocitySamplerSampler: sampler;
var velocitySampler: texture_2d<f32>;
var chainSamplerSampler: sampler;
var chainSampler: texture_2d<f32>;
uniform modes: vec4f;
uniform sizes: vec4f;
uniform historySize: vec4f;
uniform motion: vec4f;
uniform inverseProjection: mat4x4f;
uniform toResultClip: mat4x4f;
uniform toResultView: mat4x4f;
uniform toHistoryClip: mat4x4f;
uniform toLastClip: mat4x4f;
${SurfaceWgsl}
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
  let stored = textureSampleLevel(currentDepthSampler, currentDepthSamplerSampler, input.vUV, 0.0).r;
  let p = surfaceAt(input.vUV, viewZ(stored), uniforms.inverseProjection);
  let velocity = textureSampleLevel(velocitySampler, velocitySamplerSampler, input.vUV, 0.0).rg;
  let chainAt = textureSampleLevel(chainSampler, chainSamplerSampler, input.vUV, 0.0).rg;
  var own = vec2f(0.0);
  var chained = vec2f(0.0);
  if (uniforms.motion.y > 0.5 && stored != 0.0) {
    own = ownMotion(input.vUV, p, velocity, uniforms.toLastClip, uniforms.motion.zw);
    chained = select(vec2f(0.0), chainAt, uniforms.motion.x > 0.5);
  }

  let clip = uniforms.toResultClip * p;
  let ruv = select(input.vUV, clip.xy / clip.w * 0.5 + 0.5, m.x > 1.5) + chained;
  let expected = (uniforms.toResultView * p).z;
  var valid = 1.0;
  if (m.x > 0.5) {
    let h = 0.5 / s.xy;
    let still = m.x < 1.5 && all(chained == vec2f(0.0));
    let soft = agrees(ruv - h, expected) + agrees(ruv + h, expected) + agrees(ruv + vec2f(h.x, -h.y), expected) + agrees(ruv + vec2f(-h.x, h.y), expected);
    valid = insideOf(clip, ruv, s.xy) * 0.25 * select(soft, 4.0 * agrees(ruv, expected), still);
  }
  let color = resultAt(ruv);

  var out = vec4f(color, valid);
  if (m.y > 0.0) {
    let hclip = uniforms.toHistoryClip * p;
    let huv = select(input.vUV, hclip.xy / hclip.w * 0.5 + 0.5, m.z > 0.5) + own;
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
