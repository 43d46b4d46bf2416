/**
 * Adaptive resolution: moves the inference height between bounds so the render loop holds a target frame rate while
 * stylization runs. It watches the loop's frame times in windows of about a second: a window clearly below the target
 * lowers the height by a step, two windows in a row with clear headroom raise it by a step, and after each change it
 * waits a window before judging again (the new size needs a result or two to show its cost).
 */
/** What `stats.adaptive` reports. */
export interface AdaptiveHeightState {
    targetFps: number;
    /** The loop's frame rate over the last window. */
    fps: number;
    /** The inference height chosen now. */
    height: number;
    /** Why it is this height: "lowered", "raised", "holding", "at the minimum", "at the maximum", "measuring". */
    reason: string;
}

/** How long a window is, in ms, and how far from the target counts as clearly off. */
const WindowMs = 1000;
const Slack = 0.1;
/** Each step changes the height by this factor (then rounded to the inference grid). */
const StepFactor = 0.8;

export class AdaptiveHeight {
    private _height: number;
    private _windowMs = 0;
    private _frames = 0;
    private _fps = 0;
    private _headroomWindows = 0;
    private _settle = 1;
    private _reason = "measuring";

    public constructor(
        public readonly targetFps: number,
        /** Bounds of the height, in pixels. */
        public readonly minHeight: number,
        public readonly maxHeight: number,
        /** Where to start (a new target keeps the height chosen so far). @defaultValue `maxHeight` */
        start = maxHeight
    ) {
        this._height = Math.min(maxHeight, Math.max(minHeight, start));
    }

    public get height(): number {
        return this._height;
    }

    public get state(): AdaptiveHeightState {
        return { targetFps: this.targetFps, fps: this._fps, height: this._height, reason: this._reason };
    }

    /**
     * Counts one rendered frame that took `frameMs`; returns the new height when it changes. Frames while nothing is
     * stylized should not be counted (the loop's rate then says nothing about stylization's cost).
     */
    public frame(frameMs: number): number | undefined {
        this._windowMs += frameMs;
        this._frames++;
        if (this._windowMs < WindowMs) {
            return undefined;
        }
        this._fps = (1000 * this._frames) / this._windowMs;
        this._windowMs = this._frames = 0;
        if (this._settle > 0) {
            this._settle--;
            return undefined;
        }
        const before = this._height;
        if (this._fps < this.targetFps * (1 - Slack)) {
            this._headroomWindows = 0;
            this._height = Math.max(this.minHeight, snap(before * StepFactor));
            this._reason = this._height < before ? "lowered" : "at the minimum";
        } else if (this._fps > this.targetFps * (1 + Slack) && ++this._headroomWindows >= 2) {
            this._headroomWindows = 0;
            this._height = Math.min(this.maxHeight, snap(before / StepFactor));
            this._reason = this._height > before ? "raised" : "at the maximum";
        } else {
            this._reason = "holding";
        }
        if (this._height === before) {
            return undefined;
        }
        this._settle = 1;
        return this._height;
    }
}

/** The nearest height on the inference grid (multiples of 8, at least 8). */
function snap(height: number): number {
    return Math.max(8, Math.round(height / 8) * 8);
}
