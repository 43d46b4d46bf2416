/** The adaptive resolution's decisions, fed simulated frame times. */
import { AdaptiveHeight } from "../../../src/plugin/capture/adaptiveHeight";

/** Feeds `seconds` of frames at `fps`; returns every height change. */
function run(adaptive: AdaptiveHeight, fps: number, seconds: number): number[] {
    const changes: number[] = [];
    for (let i = 0; i < fps * seconds; i++) {
        const changed = adaptive.frame(1000 / fps);
        if (changed !== undefined) {
            changes.push(changed);
        }
    }
    return changes;
}

describe("AdaptiveHeight", () => {
    test("starts at the maximum and measures a window before judging", () => {
        const adaptive = new AdaptiveHeight(30, 64, 360);
        expect(adaptive.state).toEqual({ targetFps: 30, fps: 0, height: 360, reason: "measuring" });
        expect(run(adaptive, 10, 1)).toEqual([]); // the first window only measures
        expect(adaptive.state.fps).toBeCloseTo(10, 5);
    });

    test("a loop clearly below the target lowers the height step by step, a window apart, down to the minimum", () => {
        const adaptive = new AdaptiveHeight(30, 64, 360);
        const changes = run(adaptive, 10, 20);
        expect(changes).toEqual([288, 232, 184, 144, 112, 88, 72, 64]); // x0.8 each, on the grid of 8
        expect(changes.every((h) => h % 8 === 0)).toBe(true);
        run(adaptive, 10, 3);
        expect(adaptive.state).toMatchObject({ height: 64, reason: "at the minimum" });
    });

    test("within 10% of the target it holds; with headroom for two windows it raises, up to the maximum", () => {
        const adaptive = new AdaptiveHeight(30, 64, 360);
        run(adaptive, 10, 4); // lowered twice
        expect(adaptive.height).toBe(232);
        expect(run(adaptive, 28, 5)).toEqual([]);
        expect(adaptive.state.reason).toBe("holding");
        expect(run(adaptive, 60, 8)).toEqual([288, 360]);
        run(adaptive, 60, 3);
        expect(adaptive.state).toMatchObject({ height: 360, reason: "at the maximum" });
    });

    test("a new target starts from the height given, within the bounds", () => {
        expect(new AdaptiveHeight(30, 64, 360, 144).height).toBe(144);
        expect(new AdaptiveHeight(30, 64, 360, 8).height).toBe(64);
        expect(new AdaptiveHeight(30, 64, 360, 999).height).toBe(360);
    });

    test("a bound at the same value as the other pins the height", () => {
        const adaptive = new AdaptiveHeight(30, 128, 128);
        expect(run(adaptive, 5, 5)).toEqual([]);
        expect(adaptive.state).toMatchObject({ height: 128, reason: "at the minimum" });
    });
});
