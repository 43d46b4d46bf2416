/**
 * The frame mapping's CPU formulas (what the capture and composite shaders apply, checked against the GPU in
 * test/browser/placement.test.ts): Babylon's image processing curves, and their inverse wherever nothing saturates.
 */
import { ImageProcessingConfiguration } from "@babylonjs/core/Materials/imageProcessingConfiguration.js";
import { displayToFrame, frameMappingFor, frameToDisplay, FrameMappingMode, sameMapping } from "../../../src/plugin/contract/frameMapping";

const Standard = { mode: FrameMappingMode.Standard, exposure: 1.2 };
const Aces = { mode: FrameMappingMode.Aces, exposure: 1 };
const Linear = { mode: FrameMappingMode.Linear, exposure: 2 };

describe("frameToDisplay", () => {
    test("follows Babylon's image processing: exposure, tone mapping, gamma 2.2, saturate", () => {
        // Standard: 1 - 2^(-1.590579 x), then x^(1/2.2).
        expect(frameToDisplay([1 / 1.2, 0, 5], Standard)[0]).toBeCloseTo(Math.pow(1 - Math.pow(2, -1.590579), 1 / 2.2), 12);
        expect(frameToDisplay([0, 0, 0], Standard)).toEqual([0, 0, 0]);
        // No tone mapping: clipped at 1 after exposure and gamma.
        expect(frameToDisplay([0.25, 0.5, 3], Linear)).toEqual([Math.pow(0.5, 1 / 2.2), 1, 1]);
        // ACES: its matrices' rows sum to 1, so a grey stays grey and goes through the RRT+ODT fit alone.
        const fit = (v: number) => (v * (v + 0.0245786) - 0.000090537) / (v * (0.983729 * v + 0.432951) + 0.238081);
        frameToDisplay([0.18, 0.18, 0.18], Aces).forEach((v) => expect(v).toBeCloseTo(Math.pow(fit(0.18), 1 / 2.2), 4));
        // The display mapping changes nothing.
        expect(frameToDisplay([0.1, 2, -1], { mode: FrameMappingMode.Display, exposure: 3 })).toEqual([0.1, 2, -1]);
    });

    test("is monotonic in each channel and never leaves 0..1", () => {
        for (const mapping of [Standard, Aces, Linear]) {
            let last = -1;
            for (let x = 0; x <= 8; x += 0.05) {
                const y = frameToDisplay([x, x, x], mapping)[1];
                expect(y).toBeGreaterThanOrEqual(last - 1e-12);
                expect(y).toBeGreaterThanOrEqual(0);
                expect(y).toBeLessThanOrEqual(1);
                last = y;
            }
        }
    });
});

describe("displayToFrame", () => {
    test("inverts the mapping wherever it does not saturate", () => {
        const samples = [
            [0.02, 0.3, 0.9],
            [0.5, 0.5, 0.5],
            [1.7, 0.8, 0.2],
            [3, 2.5, 2],
        ];
        for (const rgb of samples) {
            const back = displayToFrame(frameToDisplay(rgb, Standard), Standard);
            back.forEach((v, c) => expect(v).toBeCloseTo(rgb[c], 9));
        }
        // ACES clips a channel of saturated colours (its output matrix makes it negative): near-neutral ones come back.
        for (const rgb of [
            [0.5, 0.5, 0.5],
            [0.3, 0.25, 0.2],
            [2, 1.8, 1.5],
        ]) {
            const back = displayToFrame(frameToDisplay(rgb, Aces), Aces);
            back.forEach((v, c) => expect(v).toBeCloseTo(rgb[c], 6));
        }
        const back = displayToFrame(frameToDisplay([0.1, 0.2, 0.4], Linear), Linear);
        back.forEach((v, c) => expect(v).toBeCloseTo([0.1, 0.2, 0.4][c], 12));
    });

    test("a saturated display value maps back to a finite value", () => {
        expect(displayToFrame([1, 1, 1], Standard).every(Number.isFinite)).toBe(true);
        expect(displayToFrame([1, 0, 0], Aces).every(Number.isFinite)).toBe(true);
    });
});

describe("frameMappingFor", () => {
    test("reads the scene's image processing: off unless the frame is linear, the tone mapping type and the exposure", () => {
        const configuration = new ImageProcessingConfiguration();
        configuration.exposure = 1.5;
        expect(frameMappingFor(configuration, false)).toEqual({ mode: FrameMappingMode.Display, exposure: 1 });
        expect(frameMappingFor(configuration, true)).toEqual({ mode: FrameMappingMode.Linear, exposure: 1.5 });
        configuration.toneMappingEnabled = true;
        configuration.toneMappingType = ImageProcessingConfiguration.TONEMAPPING_STANDARD;
        expect(frameMappingFor(configuration, true)).toEqual({ mode: FrameMappingMode.Standard, exposure: 1.5 });
        configuration.toneMappingType = ImageProcessingConfiguration.TONEMAPPING_ACES;
        expect(frameMappingFor(configuration, true)).toEqual({ mode: FrameMappingMode.Aces, exposure: 1.5 });
        configuration.toneMappingType = ImageProcessingConfiguration.TONEMAPPING_KHR_PBR_NEUTRAL;
        expect(frameMappingFor(configuration, true)).toMatchObject({ mode: FrameMappingMode.Linear, unsupported: expect.stringContaining("PBR neutral") });
        configuration.isEnabled = false;
        expect(frameMappingFor(configuration, true).mode).toBe(FrameMappingMode.Display);
        expect(sameMapping({ mode: 2, exposure: 1 }, { mode: 2, exposure: 1 })).toBe(true);
        expect(sameMapping({ mode: 2, exposure: 1 }, { mode: 2, exposure: 1.1 })).toBe(false);
    });
});
