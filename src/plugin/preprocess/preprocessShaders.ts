/**
 * The preprocess pass, frame -> NCHW tensor, in both shading languages, fed by the packed contract.
 *
 * Guides (see guides.ts; p5.x: the depth guide's tensor channel, p5.w: the normal guide's first, 0 for none): the
 * guide values of the tensor pixel, from the view-depth and view-normal maps sampled nearest at the same place, taken
 * into the tensor like channel 0.
 *
 * The frame is first mapped to what is displayed when it was captured before Babylon's image processing (p4.zw: see
 * frameMapping.ts); a displayed frame passes unchanged.
 *
 * Orientation: tensor row 0 is the top of the frame (image order) unless the contract flips it. The captured frame
 * texture has the bottom of the image at v = 0 on both engines (WebGL render targets, and Babylon's WebGPU render
 * targets, which follow the same convention), so the shaders sample at v = 1 - (row + 0.5) / height.
 */
import { GlslCommon, WgslCommon } from "../contract/shaderParams.js";

/** Compute shader: frame texture -> NCHW tensor in a storage buffer. One invocation per tensor pixel. */
export const PreprocessWgsl = /* wgsl */ `${WgslCommon}
@group(0) @binding(0) var frameSampler: sampler;
@group(0) @binding(1) var frame: texture_2d<f32>;
@group(0) @binding(2) var<storage, read_write> tensor: array<f32>;
@group(0) @binding(3) var<uniform> params: StylizeParams;
@group(0) @binding(4) var depthMap: texture_2d<f32>;
@group(0) @binding(5) var normalMap: texture_2d<f32>;

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let size = params.p3.xy;
  let w = u32(size.x);
  let h = u32(size.y);
  if (id.x >= w || id.y >= h) { return; }
  let frameRow = select(f32(id.y), size.y - 1.0 - f32(id.y), params.p1.w > 0.5);
  let uv = vec2f((f32(id.x) + 0.5) / size.x, 1.0 - (frameRow + 0.5) / size.y);
  var rgb: vec4f;
  if (params.p0.w > 0.5) {
    let dims = vec2f(textureDimensions(frame, 0));
    let texelPos = vec2i(clamp(floor(uv * dims), vec2f(0.0), dims - 1.0));
    rgb = textureLoad(frame, texelPos, 0);
  } else {
    rgb = textureSampleLevel(frame, frameSampler, uv, 0.0);
  }
  rgb = vec4f(frameToDisplay(rgb.rgb, params.p4.zw), rgb.a);
  let plane = w * h;
  let i = id.y * w + id.x;
  for (var c = 0u; c < 3u; c++) {
    let v = convertColor(rgb[u32(params.p2[c])], params.p2.w);
    tensor[c * plane + i] = v * params.p0[c] + params.p1[c];
  }
  if (params.p5.x > 0.5) {
    let depthSize = vec2f(textureDimensions(depthMap, 0));
    let z = textureLoad(depthMap, vec2i(clamp(floor(uv * depthSize), vec2f(0.0), depthSize - 1.0)), 0).r;
    tensor[u32(params.p5.x) * plane + i] = depthGuide(z, params.p5) * params.p0.x + params.p1.x;
  }
  if (params.p5.w > 0.5) {
    let normalSize = vec2f(textureDimensions(normalMap, 0));
    let n = textureLoad(normalMap, vec2i(clamp(floor(uv * normalSize), vec2f(0.0), normalSize - 1.0)), 0).xyz;
    for (var k = 0u; k < 3u; k++) {
      tensor[(u32(params.p5.w) + k) * plane + i] = (n[k] * 0.5 + 0.5) * params.p0.x + params.p1.x;
    }
  }
}
`;

/**
 * Fragment shader (WebGL2 capture): renders the tensor into an RGBA32F target of the inference size, channel c of the
 * tensor in component c. Target row 0 (gl_FragCoord.y < 1) holds tensor row 0, so a readback is in tensor order. A
 * tensor of more than 4 channels (normal guides) takes a target of twice the height: its upper rows hold channels 4-7
 * of the same tensor rows (one draw, one readback).
 */
export const PreprocessGlsl = /* glsl */ `
precision highp float;
uniform sampler2D textureSampler;
uniform sampler2D depthSampler;
uniform sampler2D normalSampler;
uniform vec4 p0;
uniform vec4 p1;
uniform vec4 p2;
uniform vec4 p3;
uniform vec4 p4;
uniform vec4 p5;
${GlslCommon}void main(void) {
  vec2 size = p3.xy;
  vec2 pixel = floor(gl_FragCoord.xy);
  bool upper = pixel.y >= size.y;
  pixel.y -= upper ? size.y : 0.0;
  float frameRow = p1.w > 0.5 ? size.y - 1.0 - pixel.y : pixel.y;
  vec2 uv = vec2((pixel.x + 0.5) / size.x, 1.0 - (frameRow + 0.5) / size.y);
  vec4 rgb;
  if (p0.w > 0.5) {
    vec2 dims = vec2(textureSize(textureSampler, 0));
    rgb = texelFetch(textureSampler, ivec2(clamp(floor(uv * dims), vec2(0.0), dims - 1.0)), 0);
  } else {
    rgb = textureLod(textureSampler, uv, 0.0);
  }
  rgb.rgb = frameToDisplay(rgb.rgb, p4.zw);
  float t[8];
  for (int c = 0; c < 3; c++) {
    t[c] = convertColor(rgb[int(p2[c])], p2.w) * p0[c] + p1[c];
  }
  for (int c = 3; c < 8; c++) {
    t[c] = 0.0;
  }
  if (p5.x > 0.5) {
    vec2 depthSize = vec2(textureSize(depthSampler, 0));
    t[int(p5.x)] = depthGuide(texelFetch(depthSampler, ivec2(clamp(floor(uv * depthSize), vec2(0.0), depthSize - 1.0)), 0).r, p5) * p0.x + p1.x;
  }
  if (p5.w > 0.5) {
    vec2 normalSize = vec2(textureSize(normalSampler, 0));
    vec3 n = texelFetch(normalSampler, ivec2(clamp(floor(uv * normalSize), vec2(0.0), normalSize - 1.0)), 0).xyz;
    for (int k = 0; k < 3; k++) {
      t[int(p5.w) + k] = (n[k] * 0.5 + 0.5) * p0.x + p1.x;
    }
  }
  gl_FragColor = upper ? vec4(t[4], t[5], t[6], t[7]) : vec4(t[0], t[1], t[2], t[3]);
}
`;
