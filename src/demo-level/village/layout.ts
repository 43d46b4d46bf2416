/**
 * Where everything in the village is, as data: the terrain's height function, roads, houses, trees, props and the
 * colliders the first-person controller walks against. Builders, the controller, the camera path and the frame
 * capture all read this one description, so they agree by construction. Pure: no Babylon objects here.
 */
import { Random, clamp, smoothstep } from "./random.js";

export type Vec2 = readonly [number, number];

/** Radius of the flat village floor; hills rise beyond it. */
export const VillageFloorRadius = 19;
/** Radius of the cobbled square around the fountain. */
export const PlazaRadius = 10;
/** How far the player may walk from the fountain. */
export const WalkRadius = 58;

export const Pond = { x: -27, z: -20, radius: 7.5, waterLevel: -0.55 } as const;
export const WindmillSite = { x: 31, z: 28, radius: 2.6 } as const;

function bump(x: number, z: number, cx: number, cz: number, radius: number): number {
    const d2 = ((x - cx) ** 2 + (z - cz) ** 2) / (radius * radius);
    return Math.exp(-d2 * 2);
}

/** Ground height (metres) at (x, z): flat village, rolling hills, the windmill's hill, the pond, far mountains. */
export function terrainHeight(x: number, z: number): number {
    const r = Math.hypot(x, z);
    const hills =
        1.6 + 1.4 * Math.sin(x * 0.071 + 1.3) * Math.cos(z * 0.063 - 0.4) + 0.8 * Math.sin((x + 0.6 * z) * 0.12 + 2.0) + 0.5 * Math.cos((x - z) * 0.19);
    // The pond lies in a gentle meadow: the hills flatten around it.
    const meadow = 1 - 0.85 * bump(x, z, Pond.x, Pond.z, 22);
    let h = smoothstep(VillageFloorRadius, 48, r) * hills * 1.6 * meadow;
    h += 5.5 * bump(x, z, WindmillSite.x, WindmillSite.z, 16) * smoothstep(VillageFloorRadius - 2, 30, r);
    // A ring of mountains far away frames the sky; fog turns them blue.
    const angle = Math.atan2(z, x);
    const ridge = 0.55 + 0.3 * Math.sin(angle * 3 + 0.7) + 0.2 * Math.sin(angle * 7 + 2.1) + 0.12 * Math.sin(angle * 17);
    h += smoothstep(160, 420, r) * 75 * ridge;
    return carvePond(x, z, h);
}

/** The pond: a bowl below the water level inside, a bank that always stays above it around the shore. */
function carvePond(x: number, z: number, h: number): number {
    const d = Math.hypot(x - Pond.x, z - Pond.z);
    if (d > Pond.radius + 6) {
        return h;
    }
    const bowl = Pond.waterLevel - 1.4 * (1 - (d * d) / (Pond.radius * Pond.radius));
    const bank = Math.max(h, Pond.waterLevel + 0.3 + 0.08 * (d - Pond.radius));
    const t = smoothstep(Pond.radius - 1.5, Pond.radius + 1.5, d);
    const carved = bowl + (bank - bowl) * t;
    // Blend back into the surrounding hills over the last metres.
    return carved + (h - carved) * smoothstep(Pond.radius + 3, Pond.radius + 6, d);
}

/** Roads as polylines (x, z), with their half width in metres. */
export interface Road {
    name: string;
    points: Vec2[];
    halfWidth: number;
}

export const Roads: Road[] = [
    {
        name: "south road",
        points: [
            [0, -9],
            [0.5, -22],
            [-2, -36],
            [1, -52],
            [4, -75],
            [2, -110],
        ],
        halfWidth: 2.1,
    },
    {
        name: "windmill lane",
        points: [
            [7, 6.5],
            [14, 12.5],
            [21, 18.5],
            [27, 24],
            [30, 27],
        ],
        halfWidth: 1.4,
    },
    {
        name: "pond path",
        points: [
            [-7.5, -6],
            [-14, -11],
            [-20, -15.5],
            [-23, -17.5],
        ],
        halfWidth: 1.2,
    },
    {
        name: "west lane",
        points: [
            [-6, 7.5],
            [-11, 15],
            [-16, 24],
            [-19, 38],
            [-16, 60],
        ],
        halfWidth: 1.6,
    },
];

/** Distance from (x, z) to a polyline. */
export function distanceToPolyline(x: number, z: number, points: readonly Vec2[]): number {
    let best = Infinity;
    for (let i = 0; i + 1 < points.length; i++) {
        const [ax, az] = points[i];
        const [bx, bz] = points[i + 1];
        const dx = bx - ax;
        const dz = bz - az;
        const t = clamp(((x - ax) * dx + (z - az) * dz) / (dx * dx + dz * dz), 0, 1);
        best = Math.min(best, Math.hypot(x - (ax + t * dx), z - (az + t * dz)));
    }
    return best;
}

/** How far (x, z) is from the edge of the nearest road (negative on the road). */
export function roadDistance(x: number, z: number): number {
    let best = Infinity;
    for (const road of Roads) {
        best = Math.min(best, distanceToPolyline(x, z, road.points) - road.halfWidth);
    }
    return best;
}

export type WallScheme = 0 | 1 | 2 | 3 | 4;
export type RoofTint = "terracotta" | "brown" | "slate" | "moss";

export interface HouseSpec {
    /** Centre of the footprint. */
    x: number;
    z: number;
    /** Rotation about y (radians); the front (door side) faces local -z, i.e. towards the square. */
    rotation: number;
    /** Bays along the front (each 2.2 m) and along the sides. */
    bays: number;
    depthBays: number;
    floors: 1 | 2;
    scheme: WallScheme;
    roof: RoofTint;
    /** The roof's gable (triangle) faces the square instead of its eaves. */
    gableFront: boolean;
    /** Stone ground floor instead of plaster. */
    stoneBase: boolean;
}

export const BayWidth = 2.2;
export const FloorHeight = 2.6;

/** Houses around the square: polar slot (degrees), distance of the front from the fountain. */
const HouseSlots: Array<Omit<HouseSpec, "x" | "z" | "rotation"> & { angle: number; distance: number }> = [
    { angle: 303, distance: 12.5, bays: 3, depthBays: 2, floors: 2, scheme: 0, roof: "terracotta", gableFront: false, stoneBase: true },
    { angle: 336, distance: 12.0, bays: 2, depthBays: 3, floors: 2, scheme: 2, roof: "brown", gableFront: true, stoneBase: false },
    { angle: 10, distance: 12.5, bays: 3, depthBays: 2, floors: 2, scheme: 1, roof: "slate", gableFront: false, stoneBase: false },
    { angle: 71, distance: 12.5, bays: 3, depthBays: 2, floors: 2, scheme: 3, roof: "terracotta", gableFront: false, stoneBase: true },
    { angle: 101, distance: 12.0, bays: 2, depthBays: 2, floors: 1, scheme: 4, roof: "moss", gableFront: true, stoneBase: false },
    { angle: 153, distance: 12.5, bays: 3, depthBays: 2, floors: 2, scheme: 2, roof: "slate", gableFront: false, stoneBase: false },
    { angle: 183, distance: 12.0, bays: 2, depthBays: 3, floors: 2, scheme: 0, roof: "terracotta", gableFront: true, stoneBase: true },
    { angle: 244, distance: 12.5, bays: 3, depthBays: 2, floors: 2, scheme: 1, roof: "brown", gableFront: false, stoneBase: false },
];

export const Houses: HouseSpec[] = HouseSlots.map(({ angle, distance, ...spec }) => {
    const a = (angle * Math.PI) / 180;
    const depth = spec.depthBays * BayWidth;
    const centre = distance + depth / 2;
    // Local -z must point at the fountain: rotation maps local (0, -1) to the direction (-cos a, -sin a).
    return { ...spec, x: Math.cos(a) * centre, z: Math.sin(a) * centre, rotation: Math.PI / 2 - a };
});

export interface TreeSpec {
    x: number;
    z: number;
    kind: "oak" | "pine" | "birch";
    scale: number;
    seed: number;
}

export interface PropSpec {
    kind: "stall" | "lamp" | "bench" | "well" | "barrel" | "crate" | "cart" | "hay" | "bush" | "fence";
    x: number;
    z: number;
    rotation: number;
    /** Variant index (colours). */
    variant: number;
}

function polar(angleDeg: number, r: number): Vec2 {
    const a = (angleDeg * Math.PI) / 180;
    return [Math.cos(a) * r, Math.sin(a) * r];
}

/** Facing the fountain from a polar slot. */
function facingCentre(angleDeg: number): number {
    return Math.PI / 2 - (angleDeg * Math.PI) / 180;
}

function buildProps(): PropSpec[] {
    const props: PropSpec[] = [];
    const at = (kind: PropSpec["kind"], angle: number, r: number, variant = 0, turn = 0) => {
        const [x, z] = polar(angle, r);
        props.push({ kind, x, z, rotation: facingCentre(angle) + turn, variant });
    };
    at("stall", 100, 6.6, 0);
    at("stall", 160, 6.6, 1);
    at("stall", 322, 6.6, 2);
    for (const angle of [20, 95, 135, 190, 232, 292, 350]) {
        at("lamp", angle, 9.4);
    }
    at("bench", 126, 7.8, 0);
    at("bench", 205, 7.6, 0);
    at("bench", 8, 7.8, 0);
    at("well", 124, 15.5);
    // Barrels and crates by the houses and stalls.
    const random = new Random(7);
    for (const [angle, r] of [
        [50, 7.9],
        [70, 8.1],
        [150, 8.2],
        [168, 8.0],
        [315, 8.3],
        [330, 8.0],
        [283, 11.2],
        [26, 11.5],
        [200, 11.6],
        [86, 11.8],
        [228, 11.4],
        [143, 11.8],
    ] as const) {
        at(random.chance(0.5) ? "barrel" : "crate", angle + random.range(-2, 2), r, random.int(0, 2), random.range(-0.6, 0.6));
    }
    at("cart", 262, 16.5, 0, 0.9);
    at("hay", 36, 22.5, 0);
    at("hay", 48, 24.5, 0, 0.7);
    for (const [x, z] of [
        [25.5, 31.5],
        [34.5, 24],
        [-17, -7.5],
        [-36, -14],
    ] as const) {
        props.push({ kind: "hay", x, z, rotation: x * 0.3, variant: 0 });
    }
    // Bushes hugging the houses.
    for (const house of Houses) {
        const sides = [-1, 1];
        for (const s of sides) {
            const lx = s * (house.bays * BayWidth * 0.5 + 0.9);
            const lz = -house.depthBays * BayWidth * 0.5 + 0.8;
            const c = Math.cos(house.rotation);
            const sn = Math.sin(house.rotation);
            props.push({
                kind: "bush",
                x: house.x + lx * c + lz * sn,
                z: house.z - lx * sn + lz * c,
                rotation: 0,
                variant: (house.scheme + (s > 0 ? 1 : 0)) % 3,
            });
        }
    }
    // Fences along the south road and the windmill lane.
    for (let z = -22; z >= -46; z -= 2.4) {
        for (const side of [-1, 1]) {
            const x = side * 3.6 + (z < -36 ? -1 : 0);
            props.push({ kind: "fence", x, z, rotation: Math.PI / 2, variant: 0 }); // rails run along local x
        }
    }
    for (let t = 0.15; t <= 0.9; t += 0.075) {
        const x = 7 + (30 - 7) * t;
        const z = 6.5 + (27 - 6.5) * t;
        props.push({ kind: "fence", x: x - 2.1, z: z + 2.2, rotation: -Math.atan2(27 - 6.5, 30 - 7), variant: 1 });
    }
    return props;
}

export const Props: PropSpec[] = buildProps();

/** Whether a tree may stand at (x, z): off roads, away from houses, the square, the pond and the windmill. */
function treeAllowed(x: number, z: number, placed: readonly TreeSpec[]): boolean {
    const r = Math.hypot(x, z);
    if (r < VillageFloorRadius + 1 || roadDistance(x, z) < 2.5) {
        return false;
    }
    if (Math.hypot(x - Pond.x, z - Pond.z) < Pond.radius + 2.5 || Math.hypot(x - WindmillSite.x, z - WindmillSite.z) < 9) {
        return false;
    }
    if (Props.some((p) => p.kind !== "fence" && p.kind !== "bush" && Math.hypot(p.x - x, p.z - z) < 3)) {
        return false;
    }
    return placed.every((t) => Math.hypot(t.x - x, t.z - z) > 3.2 * Math.max(t.scale, 0.8));
}

function buildTrees(): TreeSpec[] {
    const random = new Random(1234);
    const trees: TreeSpec[] = [];
    let attempts = 0;
    while (trees.length < 46 && attempts++ < 4000) {
        const angle = random.range(0, Math.PI * 2);
        const r = 21 + Math.sqrt(random.next()) * 46;
        const x = Math.cos(angle) * r;
        const z = Math.sin(angle) * r;
        if (!treeAllowed(x, z, trees)) {
            continue;
        }
        const kind = r > 45 ? (random.chance(0.7) ? "pine" : "oak") : random.pick(["oak", "oak", "birch", "pine"] as const);
        trees.push({ x, z, kind, scale: random.range(0.8, 1.25), seed: random.int(0, 1e6) });
    }
    // A few small trees inside the village, between houses.
    for (const [angle, r] of [
        [26, 17.8],
        [88, 17],
        [128, 17.5],
        [203, 16.5],
        [268, 18.5],
        [320, 17.5],
    ] as const) {
        const [x, z] = polar(angle, r);
        trees.push({ x, z, kind: angle % 2 ? "birch" : "oak", scale: 0.75, seed: angle * 31 });
    }
    return trees;
}

export const Trees: TreeSpec[] = buildTrees();

// ---- colliders -------------------------------------------------------------------------------------------------

export interface CircleCollider {
    kind: "circle";
    x: number;
    z: number;
    radius: number;
}

/** An oriented rectangle: half extents along its local x and z, rotated like a HouseSpec. */
export interface BoxCollider {
    kind: "box";
    x: number;
    z: number;
    halfWidth: number;
    halfDepth: number;
    rotation: number;
}

export type Collider = CircleCollider | BoxCollider;

const PropRadius: Partial<Record<PropSpec["kind"], number>> = { lamp: 0.25, well: 1.3, barrel: 0.45, crate: 0.5, hay: 0.9, bush: 0.6 };

function buildColliders(): Collider[] {
    const colliders: Collider[] = [{ kind: "circle", x: 0, z: 0, radius: 2.6 }];
    for (const h of Houses) {
        colliders.push({
            kind: "box",
            x: h.x,
            z: h.z,
            halfWidth: (h.bays * BayWidth) / 2 + 0.15,
            halfDepth: (h.depthBays * BayWidth) / 2 + 0.15,
            rotation: h.rotation,
        });
    }
    for (const p of Props) {
        if (p.kind === "stall") {
            colliders.push({ kind: "box", x: p.x, z: p.z, halfWidth: 1.45, halfDepth: 0.9, rotation: p.rotation });
        } else if (p.kind === "bench") {
            colliders.push({ kind: "box", x: p.x, z: p.z, halfWidth: 0.9, halfDepth: 0.3, rotation: p.rotation });
        } else if (p.kind === "cart") {
            colliders.push({ kind: "box", x: p.x, z: p.z, halfWidth: 0.9, halfDepth: 1.4, rotation: p.rotation });
        } else if (p.kind === "fence") {
            colliders.push({ kind: "circle", x: p.x, z: p.z, radius: 0.15 });
        } else {
            colliders.push({ kind: "circle", x: p.x, z: p.z, radius: PropRadius[p.kind] ?? 0.4 });
        }
    }
    for (const t of Trees) {
        colliders.push({ kind: "circle", x: t.x, z: t.z, radius: 0.35 * t.scale });
    }
    colliders.push({ kind: "circle", x: WindmillSite.x, z: WindmillSite.z, radius: WindmillSite.radius + 0.3 });
    colliders.push({ kind: "circle", x: Pond.x, z: Pond.z, radius: Pond.radius - 1.2 });
    return colliders;
}

export const Colliders: Collider[] = buildColliders();
