/** Textures of the ground: cobblestones, close-up grass detail and the large-scale terrain colour map. */
import type { Scene } from "@babylonjs/core/scene.js";
import type { DynamicTexture } from "@babylonjs/core/Materials/Textures/dynamicTexture.js";
import { Random, fbm, smoothstep, clamp } from "./random.js";
import { PlazaRadius, Pond, Roads, VillageFloorRadius, distanceToPolyline } from "./layout.js";
import { createCanvas, noiseOverlay, toTexture } from "./texturePainting.js";

/** Cobblestones: a tiling Voronoi pattern of rounded stones with dark joints. */
export function createCobbleTexture(scene: Scene): DynamicTexture {
    const n = 512;
    const cells = 10;
    const { canvas, ctx } = createCanvas(n, n);
    const random = new Random(21);
    const points: Array<{ x: number; y: number; c: number[] }> = [];
    for (let j = 0; j < cells; j++) {
        for (let i = 0; i < cells; i++) {
            const tint = random.range(0.86, 1.1);
            const warm = random.range(-10, 10);
            points.push({
                x: (i + random.range(0.15, 0.85)) / cells,
                y: (j + random.range(0.15, 0.85)) / cells,
                c: [168 * tint + warm, 160 * tint, 148 * tint - warm],
            });
        }
    }
    const image = ctx.createImageData(n, n);
    const d = image.data;
    for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++) {
            const u = x / n;
            const v = y / n;
            let d1 = Infinity;
            let d2 = Infinity;
            let nearest = points[0];
            const ci = Math.floor(u * cells);
            const cj = Math.floor(v * cells);
            for (let dj = -1; dj <= 1; dj++) {
                for (let di = -1; di <= 1; di++) {
                    const ii = (ci + di + cells) % cells;
                    const jj = (cj + dj + cells) % cells;
                    const p = points[jj * cells + ii];
                    const dx = u - (p.x + (ci + di - ii) / cells);
                    const dy = v - (p.y + (cj + dj - jj) / cells);
                    const dist = Math.hypot(dx, dy);
                    if (dist < d1) {
                        d2 = d1;
                        d1 = dist;
                        nearest = p;
                    } else if (dist < d2) {
                        d2 = dist;
                    }
                }
            }
            const edge = (d2 - d1) * cells; // 0 on a joint
            const stone = smoothstep(0.04, 0.16, edge);
            const dome = 0.82 + 0.3 * smoothstep(0, 0.5, edge);
            const grain = 0.92 + 0.16 * fbm(x / 6, y / 6, { seed: 4, octaves: 2, period: n / 6 });
            const i = (y * n + x) * 4;
            const joint = [70, 66, 58];
            for (let c = 0; c < 3; c++) {
                d[i + c] = clamp(joint[c] + (nearest.c[c] * dome * grain - joint[c]) * stone, 0, 255);
            }
            d[i + 3] = 255;
        }
    }
    ctx.putImageData(image, 0, 0);
    return toTexture("cobbles", canvas, scene);
}

/** Grass, soil and pebble detail in grey (about 1 on average): multiplies the terrain's colour up close. */
export function createGroundDetailTexture(scene: Scene): DynamicTexture {
    const n = 256;
    const { canvas, ctx } = createCanvas(n, n);
    ctx.fillStyle = "rgb(222,222,222)";
    ctx.fillRect(0, 0, n, n);
    noiseOverlay(ctx, { x: 0, y: 0, w: n, h: n }, { amount: 0.12, cell: 16, seed: 8, tile: true });
    const random = new Random(77);
    for (let i = 0; i < 2600; i++) {
        const x = random.range(0, n);
        const y = random.range(0, n);
        const len = random.range(3, 8);
        const lean = random.range(-2, 2);
        const v = random.chance(0.5) ? random.int(150, 200) : random.int(235, 255);
        ctx.strokeStyle = `rgb(${v},${v},${v})`;
        ctx.lineWidth = 1.2;
        for (const ox of [0, n, -n]) {
            for (const oy of [0, n, -n]) {
                ctx.beginPath();
                ctx.moveTo(x + ox, y + oy);
                ctx.lineTo(x + ox + lean, y + oy - len);
                ctx.stroke();
            }
        }
    }
    return toTexture("groundDetail", canvas, scene);
}

/** Extent (metres, square centred on the fountain) that the terrain colour map covers. */
export const TerrainMapExtent = 150;

/** Large-scale colour of the ground: meadows, trampled earth in the village, dirt roads, the pond's muddy shore. */
export function createTerrainColorMap(scene: Scene): DynamicTexture {
    const n = 1024;
    const { canvas, ctx } = createCanvas(n, n);
    const image = ctx.createImageData(n, n);
    const d = image.data;
    const grassA = [96, 142, 62];
    const grassB = [138, 160, 72];
    const dirt = [150, 118, 82];
    const trampled = [128, 128, 78];
    const random = new Random(31);
    const roadBoxes = Roads.map((road) => {
        const xs = road.points.map((p) => p[0]);
        const zs = road.points.map((p) => p[1]);
        return { road, minX: Math.min(...xs) - 6, maxX: Math.max(...xs) + 6, minZ: Math.min(...zs) - 6, maxZ: Math.max(...zs) + 6 };
    });
    for (let py = 0; py < n; py++) {
        // Row 0 of the canvas is the top of the texture (v = 1), i.e. +z.
        const z = (0.5 - (py + 0.5) / n) * TerrainMapExtent;
        for (let px = 0; px < n; px++) {
            const x = ((px + 0.5) / n - 0.5) * TerrainMapExtent;
            const meadow = fbm(x * 0.05, z * 0.05, { seed: 2, octaves: 3 });
            const patch = fbm(x * 0.18, z * 0.18, { seed: 5, octaves: 2 });
            let c = [0, 1, 2].map((k) => grassA[k] + (grassB[k] - grassA[k]) * smoothstep(0.35, 0.7, meadow) + (patch - 0.5) * 30);
            const r = Math.hypot(x, z);
            const worn = (1 - smoothstep(PlazaRadius + 2, VillageFloorRadius + 2, r)) * (0.5 + 0.5 * patch);
            c = c.map((v, k) => v + (trampled[k] - v) * worn * 0.8);
            let road = Infinity;
            for (const box of roadBoxes) {
                if (x > box.minX && x < box.maxX && z > box.minZ && z < box.maxZ) {
                    road = Math.min(road, distanceToPolyline(x, z, box.road.points) - box.road.halfWidth);
                }
            }
            const ragged = (patch - 0.5) * 1.2;
            if (road < 1) {
                const onRoad = 1 - smoothstep(-0.3, 0.6, road + ragged);
                const ruts = 0.92 + 0.1 * Math.sin(road * 5); // wheel ruts along the road
                c = c.map((v, k) => v + (dirt[k] * ruts - v) * onRoad);
            }
            const shore = Math.hypot(x - Pond.x, z - Pond.z) - Pond.radius;
            const mud = 1 - smoothstep(-1, 2.5, shore + ragged);
            c = c.map((v, k) => v + ([120, 104, 78][k] - v) * mud);
            const i = (py * n + px) * 4;
            d[i] = clamp(c[0], 0, 255);
            d[i + 1] = clamp(c[1], 0, 255);
            d[i + 2] = clamp(c[2], 0, 255);
            d[i + 3] = 255;
        }
    }
    // Wild flowers in the meadows, away from roads and the square.
    for (let i = 0; i < 9000; i++) {
        const px = random.int(0, n - 1);
        const py = random.int(0, n - 1);
        const x = ((px + 0.5) / n - 0.5) * TerrainMapExtent;
        const z = (0.5 - (py + 0.5) / n) * TerrainMapExtent;
        const clump = fbm(x * 0.09, z * 0.09, { seed: 9, octaves: 2 });
        if (Math.hypot(x, z) < VillageFloorRadius + 1 || clump < 0.52) {
            continue;
        }
        const color = random.pick([
            [250, 250, 245],
            [250, 220, 60],
            [230, 110, 160],
            [160, 120, 230],
            [235, 70, 50],
        ]);
        const k = (py * n + px) * 4;
        d[k] = color[0];
        d[k + 1] = color[1];
        d[k + 2] = color[2];
    }
    ctx.putImageData(image, 0, 0);
    return toTexture("terrainColor", canvas, scene, { wrap: false });
}
