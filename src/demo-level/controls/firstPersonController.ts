/**
 * Walking: the player is a circle on the ground that slides along walls (house boxes, props, trees, the fountain) and
 * follows the terrain's height. Pure logic on the layout's colliders, independent of the DOM and of Babylon.
 */
import { Colliders, WalkRadius, terrainHeight, type Collider } from "../village/layout.js";

/** What the keys ask for this frame: -1..1 on each axis. */
export interface MoveIntent {
    forward: number;
    right: number;
    run: boolean;
}

export interface FirstPersonOptions {
    /** Player radius in metres. @defaultValue 0.35 */
    radius?: number;
    /** Eye height above the ground. @defaultValue 1.65 */
    eyeHeight?: number;
    /** Walking speed in m/s (running doubles it). @defaultValue 3.2 */
    speed?: number;
    /** What the player bumps into. @defaultValue the village's colliders */
    colliders?: readonly Collider[];
    /** The player stays within this distance of the origin. @defaultValue WalkRadius */
    bounds?: number;
}

export const MaxPitch = 1.45;

export class FirstPersonController {
    public x: number;
    public z: number;
    /** Heading (Babylon rotation.y): 0 looks along +z. */
    public yaw: number;
    /** Positive looks down (Babylon rotation.x). */
    public pitch = 0;
    private readonly _radius: number;
    private readonly _eyeHeight: number;
    private readonly _speed: number;
    private readonly _colliders: readonly Collider[];
    private readonly _bounds: number;

    public constructor(start: { x: number; z: number; yaw: number }, options: FirstPersonOptions = {}) {
        this._radius = options.radius ?? 0.35;
        this._eyeHeight = options.eyeHeight ?? 1.65;
        this._speed = options.speed ?? 3.2;
        this._colliders = options.colliders ?? Colliders;
        this._bounds = options.bounds ?? WalkRadius;
        this.x = start.x;
        this.z = start.z;
        this.yaw = start.yaw;
        this.resolve();
    }

    /** Eye position: on the ground, eye height up. */
    public get eye(): [number, number, number] {
        return [this.x, terrainHeight(this.x, this.z) + this._eyeHeight, this.z];
    }

    public look(deltaYaw: number, deltaPitch: number): void {
        this.yaw += deltaYaw;
        this.pitch = Math.min(MaxPitch, Math.max(-MaxPitch, this.pitch + deltaPitch));
    }

    /** Moves for `dt` seconds in the direction asked (relative to the heading), then slides out of obstacles. */
    public step(dt: number, intent: MoveIntent): void {
        const length = Math.hypot(intent.forward, intent.right);
        if (length === 0 || dt <= 0) {
            return;
        }
        const speed = this._speed * (intent.run ? 2 : 1);
        // Sub-steps keep a fast player from tunnelling through a thin fence on a slow frame.
        const distance = speed * Math.min(dt, 0.25);
        const steps = Math.max(1, Math.ceil(distance / (this._radius * 0.8)));
        const f = intent.forward / length;
        const r = intent.right / length;
        const sin = Math.sin(this.yaw);
        const cos = Math.cos(this.yaw);
        // Forward is (sin, cos) in x-z; right is (cos, -sin).
        const dx = (f * sin + r * cos) * (distance / steps);
        const dz = (f * cos - r * sin) * (distance / steps);
        for (let i = 0; i < steps; i++) {
            this.x += dx;
            this.z += dz;
            this.resolve();
        }
    }

    /** Pushes the player out of every collider it overlaps and back inside the bounds. */
    public resolve(): void {
        for (let iteration = 0; iteration < 3; iteration++) {
            let moved = false;
            for (const c of this._colliders) {
                moved = pushOut(this, c, this._radius) || moved;
            }
            if (!moved) {
                break;
            }
        }
        const d = Math.hypot(this.x, this.z);
        if (d > this._bounds) {
            this.x *= this._bounds / d;
            this.z *= this._bounds / d;
        }
    }

    /** Whether a circle of the player's radius (plus `margin`) at (x, z) overlaps nothing. */
    public isFree(x: number, z: number, margin = 0): boolean {
        return this._colliders.every((c) => !pushOut({ x, z }, c, this._radius + margin)) && Math.hypot(x, z) <= this._bounds;
    }
}

/** Moves `p` out of collider `c` (treating p as a circle of `radius`); returns whether it moved. */
export function pushOut(p: { x: number; z: number }, c: Collider, radius: number): boolean {
    if (c.kind === "circle") {
        const dx = p.x - c.x;
        const dz = p.z - c.z;
        const d = Math.hypot(dx, dz);
        const min = c.radius + radius;
        if (d >= min) {
            return false;
        }
        const nx = d > 1e-6 ? dx / d : 1;
        const nz = d > 1e-6 ? dz / d : 0;
        p.x = c.x + nx * min;
        p.z = c.z + nz * min;
        return true;
    }
    // Into the box's frame: local x = world (cos, -sin), local z = world (sin, cos) for rotation.y = rotation.
    const sin = Math.sin(c.rotation);
    const cos = Math.cos(c.rotation);
    const wx = p.x - c.x;
    const wz = p.z - c.z;
    const lx = wx * cos - wz * sin;
    const lz = wx * sin + wz * cos;
    const cx = Math.min(c.halfWidth, Math.max(-c.halfWidth, lx));
    const cz = Math.min(c.halfDepth, Math.max(-c.halfDepth, lz));
    let ox = lx - cx;
    let oz = lz - cz;
    const d = Math.hypot(ox, oz);
    let nlx: number;
    let nlz: number;
    if (d > 1e-6) {
        if (d >= radius) {
            return false;
        }
        ox /= d;
        oz /= d;
        nlx = cx + ox * radius;
        nlz = cz + oz * radius;
    } else {
        // Inside: leave through the nearest side.
        const exits = [c.halfWidth - lx, lx + c.halfWidth, c.halfDepth - lz, lz + c.halfDepth];
        const k = exits.indexOf(Math.min(...exits));
        nlx = k === 0 ? c.halfWidth + radius : k === 1 ? -c.halfWidth - radius : lx;
        nlz = k === 2 ? c.halfDepth + radius : k === 3 ? -c.halfDepth - radius : lz;
    }
    p.x = c.x + nlx * cos + nlz * sin;
    p.z = c.z - nlx * sin + nlz * cos;
    return true;
}
