import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
const typesDir = join(root, "test", "types");
const tsc = join(root, "node_modules", ".bin", process.platform === "win32" ? "tsc.cmd" : "tsc");

function runTsc(project: string): { status: number | null; output: string } {
    const r = spawnSync(tsc, ["-p", project, "--pretty", "false"], { cwd: root, encoding: "utf8", shell: process.platform === "win32" });
    return { status: r.status, output: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

describe("the public types, as a consumer compiles them", () => {
    test("test/types/consumer.ts compiles (every @ts-expect-error is used)", () => {
        const { status, output } = runTsc(join(typesDir, "tsconfig.json"));
        expect(output).toBe("");
        expect(status).toBe(0);
    });

    test('without `import "babylon-stylize"` the Scene members do not exist', () => {
        const source = readFileSync(join(typesDir, "consumer.ts"), "utf8");
        const withoutImport = source.replace(/^import "babylon-stylize";$/m, "");
        expect(withoutImport).not.toBe(source);
        // A dot folder inside test/types: module resolution finds node_modules, and the repo's tsconfig globs skip it.
        const dir = mkdtempSync(join(typesDir, ".tmp-"));
        try {
            writeFileSync(join(dir, "consumer.ts"), withoutImport);
            writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: "../tsconfig.json", files: ["consumer.ts"] }));
            const { status, output } = runTsc(join(dir, "tsconfig.json"));
            expect(status).not.toBe(0);
            expect(output).toMatch(/error TS2339: Property 'enableStylization' does not exist on type 'Scene'/);
            expect(output).toContain("Property 'disableStylization' does not exist");
            // The failure is the missing augmentation, not a broken setup.
            expect(output).not.toMatch(/TS2307|TS2688|TS5083/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
