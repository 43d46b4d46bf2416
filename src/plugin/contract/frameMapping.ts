/**
 * What the network sees of a frame captured before Babylon's image processing (placement "before" a
 * DefaultRenderingPipeline or an ImageProcessingPostProcess): the frame then holds linear light, possibly above 1, and
 * the network was trained on displayed frames. The capture maps it as Babylon's image processing would display it
 * (exposure, tone mapping, gamma 2.2, saturate: imageProcessingFunctions.fx) before the contract applies, and the
 * composite maps the stylized image back (the inverse, exact wherever the forward map is not saturated), so the rest of
 * the chain (bloom, tone mapping, grading) works on linear light again and an identity network changes nothing.
 * CPU formulas here; the shaders (FrameMappingGlsl/Wgsl) apply the same ones.
 */
import type { ImageProcessingConfiguration } from "@babylonjs/core/Materials/imageProcessingConfiguration.js";

export enum FrameMappingMode {
    /** The frame is already what is displayed: nothing to map. */
    Display = 0,
    /** Linear light, no tone mapping: exposure, gamma, saturate. */
    Linear = 1,
    /** Babylon's standard tone mapping: 1 - 2^(-1.590579 x). */
    Standard = 2,
    /** Babylon's ACES fit (Stephen Hill's RRT+ODT fit between its input and output matrices). */
    Aces = 3,
}

export interface FrameMapping {
    mode: FrameMappingMode;
    exposure: number;
}

export const DisplayMapping: Readonly<FrameMapping> = Object.freeze({ mode: FrameMappingMode.Display, exposure: 1 });

/**
 * How a frame captured at this point of the chain is displayed: `linear` says the frame is linear light (captured
 * before an image processing post process); the scene's image processing configuration says the rest. Babylon's
 * Khronos PBR neutral tone mapping has no closed inverse here: it maps as no tone mapping (`unsupported` says so).
 */
export function frameMappingFor(configuration: ImageProcessingConfiguration, linear: boolean): FrameMapping & { unsupported?: string } {
    if (!linear || !configuration.isEnabled) {
        return { ...DisplayMapping };
    }
    const exposure = configuration.exposure;
    if (!configuration.toneMappingEnabled) {
        return { mode: FrameMappingMode.Linear, exposure };
    }
    switch (configuration.toneMappingType) {
        case 0:
            return { mode: FrameMappingMode.Standard, exposure };
        case 1:
            return { mode: FrameMappingMode.Aces, exposure };
        default:
            return { mode: FrameMappingMode.Linear, exposure, unsupported: "the Khronos PBR neutral tone mapping (mapped as none for the network)" };
    }
}

export function sameMapping(a: FrameMapping, b: FrameMapping): boolean {
    return a.mode === b.mode && a.exposure === b.exposure;
}

const Calibration = 1.590579;
/** The largest displayed value the inverse maps back (the standard curve reaches 1 only at infinity). */
const MaxDisplayed = 1 - 1 / 1024;
const Gamma = 2.2;
// Babylon's ACES matrices as GLSL lists them: columns.
const AcesIn = [
    [0.59719, 0.076, 0.0284],
    [0.35458, 0.90834, 0.13383],
    [0.04823, 0.01566, 0.83777],
];
const AcesOut = [
    [1.60475, -0.10208, -0.00327],
    [-0.53108, 1.10813, -0.07276],
    [-0.07367, -0.00605, 1.07602],
];
const [A, B, C, D, E] = [0.0245786, 0.000090537, 0.983729, 0.432951, 0.238081];

type Rgb = [number, number, number];
type Columns = number[][];

function apply(m: Columns, c: readonly number[]): Rgb {
    return [0, 1, 2].map((i) => m[0][i] * c[0] + m[1][i] * c[1] + m[2][i] * c[2]) as Rgb;
}

/** The inverse of a 3x3 matrix given as columns, as columns. */
function invert(m: Columns): Columns {
    const [a, b, c] = m; // columns
    const det = a[0] * (b[1] * c[2] - c[1] * b[2]) - b[0] * (a[1] * c[2] - c[1] * a[2]) + c[0] * (a[1] * b[2] - b[1] * a[2]);
    // Rows of the inverse are the cross products of the columns, over the determinant; as columns, transpose.
    const cross = (u: number[], v: number[]) => [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    const rows = [cross(b, c), cross(c, a), cross(a, b)].map((r) => r.map((v) => v / det));
    return [0, 1, 2].map((j) => rows.map((r) => r[j]));
}
const AcesInInverse = invert(AcesIn);
const AcesOutInverse = invert(AcesOut);

const rrt = (v: number) => (v * (v + A) - B) / (v * (C * v + D) + E);
/** The positive root of (1 - Cz) v^2 + (A - Dz) v - (B + Ez) = 0: the RRT fit's inverse for 0 <= z < 1/C. */
function rrtInverse(z: number): number {
    const a = 1 - C * z;
    const b = A - D * z;
    return (-b + Math.sqrt(b * b + 4 * a * (B + E * z))) / (2 * a);
}

const saturate = (v: number) => Math.min(1, Math.max(0, v));

/** A frame's linear colour -> what Babylon's image processing displays (0..1). */
export function frameToDisplay(rgb: readonly number[], m: FrameMapping): Rgb {
    if (m.mode === FrameMappingMode.Display) {
        return [rgb[0], rgb[1], rgb[2]];
    }
    let c = rgb.slice(0, 3).map((v) => Math.max(0, v * m.exposure)) as Rgb;
    if (m.mode === FrameMappingMode.Standard) {
        c = c.map((v) => 1 - Math.pow(2, -Calibration * v)) as Rgb;
    } else if (m.mode === FrameMappingMode.Aces) {
        c = apply(AcesOut, apply(AcesIn, c).map(rrt)).map(saturate) as Rgb;
    }
    return c.map((v) => saturate(Math.pow(v, 1 / Gamma))) as Rgb;
}

/** A displayed colour (0..1) -> the linear colour that displays as it. */
export function displayToFrame(rgb: readonly number[], m: FrameMapping): Rgb {
    if (m.mode === FrameMappingMode.Display) {
        return [rgb[0], rgb[1], rgb[2]];
    }
    let c = rgb.slice(0, 3).map((v) => Math.pow(saturate(v), Gamma)) as Rgb;
    if (m.mode === FrameMappingMode.Standard) {
        c = c.map((v) => -Math.log2(1 - Math.min(v, MaxDisplayed)) / Calibration) as Rgb;
    } else if (m.mode === FrameMappingMode.Aces) {
        c = apply(
            AcesInInverse,
            apply(AcesOutInverse, c).map((v) => rrtInverse(Math.min(Math.max(v, 0), MaxDisplayed)))
        ).map((v) => Math.max(v, 0)) as Rgb;
    }
    return c.map((v) => v / m.exposure) as Rgb;
}

const glslMat = (m: Columns) => `mat3(${m.map((col) => `vec3(${col.map((v) => v.toPrecision(9)).join(", ")})`).join(", ")})`;
const wgslMat = (m: Columns) => `mat3x3f(${m.map((col) => `vec3f(${col.map((v) => v.toPrecision(9)).join(", ")})`).join(", ")})`;

/** frameToDisplay and displayToFrame in GLSL; `m` is (mode, exposure). */
export const FrameMappingGlsl = /* glsl */ `
vec3 stylizeRrt(vec3 v) { return (v * (v + ${A}) - ${B}) / (v * (${C} * v + ${D}) + ${E}); }
vec3 stylizeRrtInverse(vec3 z) {
  vec3 a = 1.0 - ${C} * z;
  vec3 b = ${A} - ${D} * z;
  return (-b + sqrt(b * b + 4.0 * a * (${B} + ${E} * z))) / (2.0 * a);
}
vec3 frameToDisplay(vec3 rgb, vec2 m) {
  if (m.x < 0.5) { return rgb; }
  vec3 c = max(rgb * m.y, 0.0);
  if (m.x > 2.5) {
    c = clamp(${glslMat(AcesOut)} * stylizeRrt(${glslMat(AcesIn)} * c), 0.0, 1.0);
  } else if (m.x > 1.5) {
    c = 1.0 - exp2(-${Calibration} * c);
  }
  return clamp(pow(c, vec3(${1 / Gamma})), 0.0, 1.0);
}
vec3 displayToFrame(vec3 rgb, vec2 m) {
  if (m.x < 0.5) { return rgb; }
  vec3 c = pow(clamp(rgb, 0.0, 1.0), vec3(${Gamma}));
  if (m.x > 2.5) {
    c = max(${glslMat(AcesInInverse)} * stylizeRrtInverse(clamp(${glslMat(AcesOutInverse)} * c, 0.0, ${MaxDisplayed})), 0.0);
  } else if (m.x > 1.5) {
    c = -log2(1.0 - min(c, vec3(${MaxDisplayed}))) / ${Calibration};
  }
  return c / m.y;
}
`;

/** The same in WGSL. */
export const FrameMappingWgsl = /* wgsl */ `
fn stylizeRrt(v: vec3f) -> vec3f { return (v * (v + ${A}) - ${B}) / (v * (${C} * v + ${D}) + ${E}); }
fn stylizeRrtInverse(z: vec3f) -> vec3f {
  let a = 1.0 - ${C} * z;
  let b = ${A} - ${D} * z;
  return (-b + sqrt(b * b + 4.0 * a * (${B} + ${E} * z))) / (2.0 * a);
}
fn frameToDisplay(rgb: vec3f, m: vec2f) -> vec3f {
  if (m.x < 0.5) { return rgb; }
  var c = max(rgb * m.y, vec3f(0.0));
  if (m.x > 2.5) {
    c = clamp(${wgslMat(AcesOut)} * stylizeRrt(${wgslMat(AcesIn)} * c), vec3f(0.0), vec3f(1.0));
  } else if (m.x > 1.5) {
    c = 1.0 - exp2(-${Calibration} * c);
  }
  return clamp(pow(c, vec3f(${1 / Gamma})), vec3f(0.0), vec3f(1.0));
}
fn displayToFrame(rgb: vec3f, m: vec2f) -> vec3f {
  if (m.x < 0.5) { return rgb; }
  var c = pow(clamp(rgb, vec3f(0.0), vec3f(1.0)), vec3f(${Gamma}));
  if (m.x > 2.5) {
    c = max(${wgslMat(AcesInInverse)} * stylizeRrtInverse(clamp(${wgslMat(AcesOutInverse)} * c, vec3f(0.0), vec3f(${MaxDisplayed}))), vec3f(0.0));
  } else if (m.x > 1.5) {
    c = -log2(1.0 - min(c, vec3f(${MaxDisplayed}))) / ${Calibration};
  }
  return c / m.y;
}
`;
