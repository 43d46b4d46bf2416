/** The postprocess pass of the zero-copy path, NCHW output tensor -> image, fed by the packed contract. */
import { WgslCommon } from "../contract/shaderParams.js";

/** Compute shader: NCHW output tensor in a storage buffer -> RGBA8 storage texture, row 0 = top of the image. */
export const PostprocessWgsl = /* wgsl */ `${WgslCommon}
@group(0) @binding(0) var<storage, read> tensor: array<f32>;
@group(0) @binding(1) var image: texture_storage_2d<rgba8unorm, write>;
@group(0) @binding(2) var<uniform> params: StylizeParams;

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let w = u32(params.p3.x);
  let h = u32(params.p3.y);
  if (id.x >= w || id.y >= h) { return; }
  let row = select(id.y, h - 1u - id.y, params.p1.w > 0.5);
  let plane = w * h;
  let i = row * w + id.x;
  var rgb = vec3f(0.0);
  for (var ch = 0u; ch < 3u; ch++) {
    var v = tensor[u32(params.p2[ch]) * plane + i] * params.p3.z + params.p3.w;
    if (params.p4.y > 0.5) { v = clamp(v, 0.0, 1.0); }
    rgb[ch] = convertColor(v, params.p4.x);
  }
  textureStore(image, vec2i(id.xy), vec4f(rgb, 1.0));
}
`;
