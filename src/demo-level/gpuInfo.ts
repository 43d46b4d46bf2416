/** What kind of GPU the page runs on, before an engine exists (to pick its options). */

const SoftwareRenderer = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic/i;

/**
 * True when WebGL renders in software (SwiftShader, llvmpipe): the renderer string of a throwaway context says so.
 * Unknown (no debug info) counts as hardware.
 */
export function isSoftwareWebGl(): boolean {
    const gl = document.createElement("canvas").getContext("webgl2");
    if (!gl) {
        return false;
    }
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    const renderer = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : String(gl.getParameter(gl.RENDERER));
    gl.getExtension("WEBGL_lose_context")?.loseContext();
    return SoftwareRenderer.test(renderer);
}
