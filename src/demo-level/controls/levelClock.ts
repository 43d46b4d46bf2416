/**
 * The level's time. Walking around, it follows the wall clock. On the camera path it follows the frame index
 * (1/60 s per rendered frame), so frame i shows the same pixels however fast the machine renders.
 */
export type ClockMode = "realtime" | "frames";

export class LevelClock {
    /** Level time per path frame: frames are numbered as if rendered at 60 fps. */
    public static readonly FramesPerSecond = 60;

    private _mode: ClockMode = "realtime";
    private _time = 0;
    private _frame = 0;
    private _nextFrame = 0;
    private _held = false;

    public get mode(): ClockMode {
        return this._mode;
    }

    /** Level time in seconds (animations read this). */
    public get time(): number {
        return this._time;
    }

    /** Index of the path frame being shown (frames mode). */
    public get frame(): number {
        return this._frame;
    }

    /** True when the frame index stays put (a still for captures and tests). */
    public get held(): boolean {
        return this._held;
    }

    /** Plays frames from `frame` on, one per rendered frame. */
    public playFrames(frame = 0): void {
        this._mode = "frames";
        this._held = false;
        this._nextFrame = Math.max(0, Math.floor(frame));
    }

    /** Shows frame `frame` until told otherwise. */
    public holdFrame(frame: number): void {
        this._mode = "frames";
        this._held = true;
        this._frame = Math.max(0, Math.floor(frame));
        this._time = this._frame / LevelClock.FramesPerSecond;
    }

    /** Back to wall-clock time, continuing from the current level time. */
    public playRealtime(): void {
        this._mode = "realtime";
        this._held = false;
    }

    /** Called once before each rendered frame with the engine's frame time in milliseconds. */
    public tick(deltaMs: number): void {
        if (this._mode === "realtime") {
            // A long stall (tab in the background) must not make everything jump.
            this._time += Math.min(Math.max(deltaMs, 0), 100) / 1000;
            return;
        }
        if (!this._held) {
            this._frame = this._nextFrame++;
        }
        this._time = this._frame / LevelClock.FramesPerSecond;
    }
}
