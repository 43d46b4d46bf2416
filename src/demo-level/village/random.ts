/**
 * Seeded randomness and smooth noise. Everything in the level that looks random comes from here, so the same seed
 * builds the same village and the camera path renders the same pixels for the same frame index.
 */

/** A small, fast 32-bit PRNG (mulberry32): returns a function giving floats in [0, 1). */
export function seededRandom(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** Helpers around one generator. */
export class Random {
    private readonly _next: () => number;

    public constructor(seed: number) {
        this._next = seededRandom(seed);
    }

    public next(): number {
        return this._next();
    }

    public range(min: number, max: number): number {
        return min + (max - min) * this._next();
    }

    public int(min: number, maxInclusive: number): number {
        return Math.floor(this.range(min, maxInclusive + 1));
    }

    public pick<T>(items: readonly T[]): T {
        return items[Math.floor(this._next() * items.length)];
    }

    public chance(p: number): boolean {
        return this._next() < p;
    }
}

/** Hash of an integer lattice point to [0, 1). */
function hash2(x: number, y: number, seed: number): number {
    let h = Math.imul(x, 374761393) ^ Math.imul(y, 668265263) ^ Math.imul(seed, 2147483647);
    h = Math.imul(h ^ (h >>> 13), 1274126177);
    return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

const fade = (t: number) => t * t * (3 - 2 * t);

/** Smooth value noise in [0, 1); `period` (lattice cells) makes it tile seamlessly, for textures. */
export function valueNoise(x: number, y: number, seed = 0, period = 0): number {
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    const fx = fade(x - x0);
    const fy = fade(y - y0);
    const wrap = (v: number) => (period > 0 ? ((v % period) + period) % period : v);
    const a = hash2(wrap(x0), wrap(y0), seed);
    const b = hash2(wrap(x0 + 1), wrap(y0), seed);
    const c = hash2(wrap(x0), wrap(y0 + 1), seed);
    const d = hash2(wrap(x0 + 1), wrap(y0 + 1), seed);
    return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
}

/** Fractal sum of value noise (octaves double the frequency and halve the amplitude), in [0, 1). */
export function fbm(x: number, y: number, options: { seed?: number; octaves?: number; period?: number } = {}): number {
    const { seed = 0, octaves = 4, period = 0 } = options;
    let sum = 0;
    let amplitude = 0.5;
    let norm = 0;
    let frequency = 1;
    for (let i = 0; i < octaves; i++) {
        sum += amplitude * valueNoise(x * frequency, y * frequency, seed + i * 17, period * frequency);
        norm += amplitude;
        amplitude *= 0.5;
        frequency *= 2;
    }
    return sum / norm;
}

export function smoothstep(edge0: number, edge1: number, x: number): number {
    const t = Math.min(1, Math.max(0, (x - edge0) / (edge1 - edge0)));
    return t * t * (3 - 2 * t);
}

export function clamp(v: number, min: number, max: number): number {
    return Math.min(max, Math.max(min, v));
}

export function lerp(a: number, b: number, t: number): number {
    return a + (b - a) * t;
}
