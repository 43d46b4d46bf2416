/**
 * Composite: draws the scene frame and the stylized image according to the view mode. Both languages ship so that
 * Babylon never fetches its GLSL->WGSL compiler at run time on WebGPU.
 * view: 0 stylized (blended by `blend`), 1 original, 2 split (original left of `splitPosition`), 3 difference, 4 the
 * selection mask (white where the stylized image shows in full).
 * The stylized image has row 0 at the top (uploaded rows, or compute-written texel rows) while vUV.y = 0 is the
 * bottom on both engines, hence the flipped v when sampling it.
 * sources.x = 1 shows the temporal pass's output instead (see temporal/temporalShaders.ts): a render target in the
 * frame's own layout, its rgb drawn over the frame with weight a (0 where the result never saw the surface).
 * sources.y = 1 multiplies that weight by the selection mask's R (see selectionShaders.ts), in the frame's layout too:
 * where it is 0 the original frame shows exactly.
 * sources.zw: how the frame is displayed (frameMapping.ts); the stylized image, a displayed image, is mapped back to the
 * frame's values (linear light before Babylon's image processing) before it is mixed with the frame.
 */
import { FrameMappingGlsl, FrameMappingWgsl } from "../contract/frameMapping.js";

export const CompositeShaderName = "stylizeComposite";

export const CompositeGlsl = /* glsl */ `
precision highp float;
varying vec2 vUV;
uniform sampler2D textureSampler;
uniform sampler2D stylizedSampler;
uniform sampler2D temporalSampler;
uniform sampler2D maskSampler;
uniform vec4 settings; // blend, view, splitPosition, hasResult
uniform vec4 sources; // show the temporal output, apply the mask, frame mapping
${FrameMappingGlsl}
void main(void) {
  vec4 original = texture2D(textureSampler, vUV);
  vec2 suv = vec2(vUV.x, 1.0 - vUV.y);
  vec4 filtered = texture2D(temporalSampler, vUV);
  vec3 result = displayToFrame(sources.x > 0.5 ? filtered.rgb : texture2D(stylizedSampler, suv).rgb, sources.zw);
  float keep = sources.y > 0.5 ? texture2D(maskSampler, vUV).r : 1.0;
  float weight = (sources.x > 0.5 ? filtered.a : 1.0) * keep;
  vec4 stylized = vec4(weight < 1.0 ? mix(original.rgb, result, weight) : result, original.a);
  float view = settings.y;
  if (view > 3.5) {
    gl_FragColor = vec4(vec3(keep), 1.0);
  } else if (settings.w < 0.5 || view > 0.5 && view < 1.5) {
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
var temporalSamplerSampler: sampler;
var temporalSampler: texture_2d<f32>;
var maskSamplerSampler: sampler;
var maskSampler: texture_2d<f32>;
uniform settings: vec4f;
uniform sources: vec4f;
${FrameMappingWgsl}
@fragment
fn main(input: FragmentInputs) -> FragmentOutputs {
  let original = textureSample(textureSampler, textureSamplerSampler, input.vUV);
  let suv = vec2f(input.vUV.x, 1.0 - input.vUV.y);
  let filtered = textureSample(temporalSampler, temporalSamplerSampler, input.vUV);
  let on = uniforms.sources.x > 0.5;
  let result = displayToFrame(select(textureSample(stylizedSampler, stylizedSamplerSampler, suv).rgb, filtered.rgb, on), uniforms.sources.zw);
  let keep = select(1.0, textureSample(maskSampler, maskSamplerSampler, input.vUV).r, uniforms.sources.y > 0.5);
  let weight = select(1.0, filtered.a, on) * keep;
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
  if (s.y > 3.5) {
    color = vec4f(vec3f(keep), 1.0);
  }
  fragmentOutputs.color = color;
}
`;
