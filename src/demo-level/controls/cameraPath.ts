/**
 * The scripted camera route (`?path=1`): a closed Catmull-Rom spline through hand-placed viewpoints, each with a
 * point to look at, timed by frame index. Pure: the same frame index always gives the same pose.
 */
import { terrainHeight } from "../village/layout.js";

export type Point3 = readonly [number, number, number];

export interface PathKey {
    position: Point3;
    target: Point3;
}

export interface CameraPose {
    position: Point3;
    target: Point3;
}

/** Looking down the south road, into the square, up the windmill lane, around the mill, over the roofs, by the pond. */
export const VillageTour: PathKey[] = [
    { position: [3, 13, -44], target: [0, 3, 0] },
    { position: [1.5, 6.5, -26], target: [0, 2.5, 0] },
    { position: [-1.5, 1.8, -12], target: [0, 1.8, 0] },
    { position: [-3.4, 1.8, -4.6], target: [6, 1.8, 5] },
    { position: [-4.9, 1.75, -0.6], target: [8, 2, 8] },
    { position: [-3.4, 1.8, 3.0], target: [10, 2.5, 11] },
    { position: [1.0, 1.85, 4.1], target: [12, 3, 9] },
    { position: [4.9, 2.0, 3.3], target: [24, 6, 20] },
    { position: [9.5, 2.4, 8.6], target: [31, 8, 28] },
    { position: [17, 5.5, 15.5], target: [31, 11, 28] },
    { position: [27, 10, 12], target: [31, 12, 28] },
    { position: [23, 14, -5], target: [0, 2, 0] },
    { position: [6, 15, -22], target: [-6, 1, 4] },
    { position: [-12, 7, -30], target: [-27, -0.5, -20] },
    { position: [-31, 2.6, -7], target: [-26, -0.5, -21] },
    { position: [-24, 9, -36], target: [0, 4, 0] },
];

function catmullRom(p0: number, p1: number, p2: number, p3: number, t: number): number {
    const t2 = t * t;
    const t3 = t2 * t;
    return 0.5 * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2 + (-p0 + 3 * p1 - 3 * p2 + p3) * t3);
}

function spline(points: readonly Point3[], i: number, t: number): Point3 {
    const n = points.length;
    const at = (k: number) => points[((k % n) + n) % n];
    const [a, b, c, d] = [at(i - 1), at(i), at(i + 1), at(i + 2)];
    return [0, 1, 2].map((k) => catmullRom(a[k], b[k], c[k], d[k], t)) as unknown as Point3;
}

export class CameraPath {
    /** Frame index at which each segment starts; the last entry is the loop length. */
    private readonly _starts: number[] = [0];

    /**
     * @param keys viewpoints, visited in order and back to the first.
     * @param framesPerMetre pace: frames spent per metre of straight-line distance between keys. @defaultValue 9 (~6.7 m/s at 60 fps)
     */
    public constructor(
        public readonly keys: readonly PathKey[] = VillageTour,
        framesPerMetre = 9
    ) {
        for (let i = 0; i < keys.length; i++) {
            const a = keys[i].position;
            const b = keys[(i + 1) % keys.length].position;
            const metres = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
            this._starts.push(this._starts[i] + Math.max(60, Math.round(metres * framesPerMetre)));
        }
    }

    /** Frames in one loop. */
    public get loopFrames(): number {
        return this._starts[this._starts.length - 1];
    }

    /** Camera position and look-at point for frame `frame` (any integer; the route loops). */
    public pose(frame: number): CameraPose {
        const f = ((frame % this.loopFrames) + this.loopFrames) % this.loopFrames;
        let i = 0;
        while (this._starts[i + 1] <= f) {
            i++;
        }
        const t = (f - this._starts[i]) / (this._starts[i + 1] - this._starts[i]);
        // Ease within segments would stop at each key; Catmull-Rom keeps the motion smooth through them.
        const position = spline(
            this.keys.map((k) => k.position),
            i,
            t
        );
        const target = spline(
            this.keys.map((k) => k.target),
            i,
            t
        );
        const floor = terrainHeight(position[0], position[2]) + 1.4;
        return { position: [position[0], Math.max(position[1], floor), position[2]], target };
    }
}
