/**
 * The readback lanes' scheduling, with readbacks and runs whose completion the test controls: the next frame reads back
 * while the current one is in inference, its inference starts the moment the current one ends (before the current
 * result's postprocess), results of an older generation are dropped, and input slots are reused. The real pipeline is
 * checked end to end, with tagged frames, in test/browser/pipeline.test.ts.
 */
import { captureIsDue, FrameSlots, ReadbackLanes, type CpuFrame, type LaneOwner } from "../../../src/plugin/pipeline/readbackLanes";
import { noStageTimes } from "../../../src/plugin/pipeline/frameStats";
import { derivePreprocessParams, DefaultPreprocessConfig } from "../../../src/plugin/contract/preprocessConfig";

const defaultPreprocessParams = () => derivePreprocessParams(DefaultPreprocessConfig);
import type { StylizationSession } from "../../../src/plugin/infer/inferenceSession";
import type { TexturePresenter } from "../../../src/plugin/postprocess/texturePresenter";

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(maxReading = 1) {
    const events: string[] = [];
    let generation = 0;
    const runs: Array<{ input: Float32Array; done: ReturnType<typeof deferred<{ data: Float32Array; width: number; height: number }>> }> = [];
    const session = {
        runCpu: (input: Float32Array) => {
            const done = deferred<{ data: Float32Array; width: number; height: number }>();
            runs.push({ input, done });
            events.push(`run ${input[0]}`);
            return done.promise;
        },
    } as unknown as StylizationSession;
    const presenter = { prepare: (data: Float32Array) => events.push(`prepare ${data[0]}`) } as unknown as TexturePresenter;
    const owner: LaneOwner = {
        isCurrent: (item) => item.generation === generation,
        published: (item) => events.push(`published ${item.frameId}`),
        failed: (error) => events.push(`failed ${(error as Error).message}`),
        settled: () => undefined,
        overtaken: () => events.push("overtaken"),
    };
    const lanes = new ReadbackLanes(owner, presenter, maxReading);
    /** Captures frame `id`: returns the readback to complete (it writes `id` into the slot, as a tag). */
    const capture = (id: number) => {
        const item: CpuFrame = {
            input: lanes.slot(12),
            width: 2,
            height: 2,
            params: defaultPreprocessParams(),
            frameId: id,
            capturedAt: performance.now(),
            generation,
            stages: noStageTimes(),
        };
        const read = deferred<Float32Array | null>();
        lanes.readBack(item, read.promise, () => session);
        return () => {
            item.input.fill(id);
            read.resolve(item.input);
        };
    };
    const finish = (index: number) => runs[index].done.resolve({ data: runs[index].input, width: 2, height: 2 });
    return { events, lanes, capture, finish, runs, bump: () => generation++ };
}

describe("ReadbackLanes", () => {
    test("the next frame reads back during the current inference and runs the moment it ends, before its postprocess", async () => {
        const { events, lanes, capture, finish } = setup();
        capture(1)();
        await flush();
        expect(events).toEqual(["run 1"]);
        expect(lanes.state).toEqual({ reading: false, ready: false, inferring: true });
        expect(lanes.wantsCapture(noStageTimes(), 16)).toBe(true); // no estimate yet: at once
        const read2 = capture(2);
        expect(lanes.wantsCapture(noStageTimes(), 16)).toBe(false); // one readback at a time
        read2();
        await flush();
        expect(lanes.state).toEqual({ reading: false, ready: true, inferring: true });
        finish(0);
        await flush();
        expect(events).toEqual(["run 1", "run 2", "prepare 1", "published 1"]);
        expect(lanes.resultInput?.[0]).toBe(1);
        finish(1);
        await flush();
        expect(events.slice(4)).toEqual(["prepare 2", "published 2"]);
        expect(lanes.idle).toBe(true);
        expect(lanes.resultInput?.[0]).toBe(2);
    });

    test("frames of an older generation are dropped, whether reading back, waiting or in inference", async () => {
        const { events, lanes, capture, finish, bump } = setup();
        capture(1)();
        await flush();
        capture(2)();
        await flush();
        bump(); // a cleared result: frames 1 (in inference) and 2 (ready) must never be shown
        finish(0);
        await flush();
        expect(events).toEqual(["run 1"]);
        expect(lanes.idle).toBe(true);
        capture(3)();
        await flush();
        finish(1);
        await flush();
        expect(events).toEqual(["run 1", "run 3", "prepare 3", "published 3"]);
    });

    test("with several readbacks in flight, the newest frame read wins the free inference lane", async () => {
        const { events, lanes, capture, finish } = setup(2);
        capture(1)();
        await flush();
        const read2 = capture(2);
        const read3 = capture(3);
        expect(lanes.wantsCapture(noStageTimes(), 16)).toBe(false); // both slots reading
        read2();
        read3();
        await flush();
        finish(0);
        await flush();
        expect(events).toEqual(["run 1", "overtaken", "run 3", "prepare 1", "published 1"]); // frame 2 was overtaken by 3
        finish(1);
        await flush();
        expect(lanes.idle).toBe(true);
    });

    test("a readback that completes after a newer frame's has entered inference is dropped: results stay in capture order", async () => {
        const { events, lanes, capture, finish } = setup(2);
        const read1 = capture(1);
        const read2 = capture(2);
        read2(); // the newer slot's fence signals first
        await flush();
        read1();
        await flush();
        expect(events).toEqual(["run 2", "overtaken"]);
        expect(lanes.state).toEqual({ reading: false, ready: false, inferring: true });
        finish(0);
        await flush();
        expect(events).toEqual(["run 2", "overtaken", "prepare 2", "published 2"]);
        expect(lanes.idle).toBe(true);
    });

    test("a failed readback or run is reported and leaves the lanes idle", async () => {
        const { events, lanes, runs } = setup();
        const item = { input: lanes.slot(12), width: 2, height: 2, params: defaultPreprocessParams(), frameId: 1, capturedAt: 0, generation: 0 };
        lanes.readBack({ ...item, stages: noStageTimes() }, Promise.resolve(null), () => undefined);
        await flush();
        expect(events).toEqual(["failed the WebGL context was lost while reading the frame back; stylization stopped"]);
        expect(lanes.idle).toBe(true);
        expect(runs).toHaveLength(0);
    });

    test("input slots turn over without allocating", async () => {
        const { lanes, capture, finish } = setup();
        const seen = new Set<Float32Array>();
        const spy = jest.spyOn(lanes, "slot");
        for (let i = 0; i < 12; i++) {
            capture(i)();
            await flush();
            finish(i);
            await flush();
        }
        for (const result of spy.mock.results) {
            seen.add(result.value as Float32Array);
        }
        expect(seen.size).toBeLessThanOrEqual(3);
    });
});

describe("captureIsDue", () => {
    // Inference 200 ms started at t=1000, readback 50 ms, 20 ms frames: the lane is free at 1200.
    const base = { inferenceStartedAt: 1000, framesInPipe: 0, lastInferenceMs: 200, lastReadbackMs: 50, frameMs: 20 };
    test("captures just in time for the readback to end as the inference lane wants the frame, with two frames of slack", () => {
        expect(captureIsDue({ ...base, now: 1000 })).toBe(false);
        expect(captureIsDue({ ...base, now: 1100 })).toBe(false); // ready by 1190 at the latest: 100 ms early
        expect(captureIsDue({ ...base, now: 1110 })).toBe(true);
        expect(captureIsDue({ ...base, now: 1300 })).toBe(true); // the inference overran its estimate
    });
    test("a frame already in the pipe covers the next inference: the capture is for the one after", () => {
        expect(captureIsDue({ ...base, framesInPipe: 1, now: 1110 })).toBe(false); // wanted at 1400
        // With a 50 ms readback, the next capture waits for the frame in the pipe to start; with 300 ms, not.
        expect(captureIsDue({ ...base, framesInPipe: 1, now: 1190 })).toBe(false);
        expect(captureIsDue({ ...base, framesInPipe: 1, lastReadbackMs: 300, now: 1050 })).toBe(false);
        expect(captureIsDue({ ...base, framesInPipe: 1, lastReadbackMs: 300, now: 1060 })).toBe(true);
    });
    test("a readback longer than an inference puts several in flight", () => {
        const slow = { ...base, lastReadbackMs: 500 };
        expect(captureIsDue({ ...slow, framesInPipe: 1, now: 1000 })).toBe(true); // wanted at 1400, ready at 1540
        expect(captureIsDue({ ...slow, framesInPipe: 3, now: 1000 })).toBe(false); // wanted at 1800
    });
    test("with no inference in flight, or no estimates yet, at once", () => {
        expect(captureIsDue({ ...base, inferenceStartedAt: undefined, now: 1000 })).toBe(true);
        expect(captureIsDue({ ...base, lastInferenceMs: 0, lastReadbackMs: 0, framesInPipe: 2, now: 1000 })).toBe(true);
    });
});

describe("FrameSlots", () => {
    test("reuses a buffer of the same length and allocates for a new size", () => {
        const slots = new FrameSlots();
        const a = slots.take(12);
        slots.give(a);
        expect(slots.take(12)).toBe(a);
        slots.give(a);
        expect(slots.take(27)).not.toBe(a);
    });
});
