/** The shape of the source tree: no import cycles, the panel out of the core, files small enough to read whole. */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { findCycles, resolveRelative, walk } from "./importGraph";

const root = join(__dirname, "..", "..", "..");
const src = join(root, "src");
const plugin = join(src, "plugin");

function sourceFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && /\.ts$/.test(e.name))
        .map((e) => join(e.parentPath, e.name));
}

const rel = (file: string) => relative(root, file);

describe("source layout", () => {
    test("no import cycles in src/, counting type-only and dynamic imports", () => {
        const { edges } = walk(sourceFiles(src), ["runtime", "type", "dynamic"], resolveRelative);
        expect(findCycles(edges).map((cycle) => cycle.map(rel))).toEqual([]);
    });

    test("the cycle finder finds a cycle (a type-only import back counts)", () => {
        const a = "/a.ts";
        const b = "/b.ts";
        expect(
            findCycles([
                { from: a, to: b, kind: "runtime" },
                { from: b, to: a, kind: "type" },
            ])
        ).toEqual([[a, b]]);
        expect(findCycles([{ from: a, to: b, kind: "runtime" }])).toEqual([]);
    });

    test("the core loads the inspector panel on demand: no static import of src/plugin/panel from the library entry", () => {
        const { files, edges } = walk([join(plugin, "index.ts")], ["runtime"], resolveRelative);
        const panel = [...files].filter((f) => f.startsWith(join(plugin, "panel"))).map(rel);
        expect(panel).toEqual([]);
        // ... and the panel is reached, through import(), from the handle.
        const all = walk([join(plugin, "index.ts")], ["runtime", "dynamic"], resolveRelative);
        expect(all.edges.filter((e) => e.kind === "dynamic").map((e) => [rel(e.from), rel(e.to)])).toContainEqual([
            "src/plugin/inspectorSlot.ts",
            "src/plugin/panel/index.ts",
        ]);
        expect(edges.length).toBeGreaterThan(10);
    });

    test("the panel depends on the handle only through its own interface", () => {
        const { edges } = walk([join(plugin, "panel", "index.ts")], ["runtime", "type", "dynamic"], resolveRelative);
        expect(edges.filter((e) => e.to === join(plugin, "stylization.ts")).map((e) => rel(e.from))).toEqual([]);
    });

    test("every source file is at most 400 lines", () => {
        const long = sourceFiles(src)
            .map((f) => [rel(f), readFileSync(f, "utf8").split("\n").length - 1] as const)
            .filter(([, lines]) => lines > 400);
        expect(long).toEqual([]);
    });
});
