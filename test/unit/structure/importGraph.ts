/** The import graph of TypeScript/JavaScript sources, read with the TypeScript parser (no bundler, no execution). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import ts from "typescript";

export type EdgeKind = "runtime" | "type" | "dynamic";

export interface ImportEdge {
    from: string;
    to: string;
    kind: EdgeKind;
}

/** `import type …`, `export type …`, or named imports/exports that are all marked `type`. */
function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
    const allTyped = (elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier> | undefined) =>
        !!elements && elements.length > 0 && elements.every((e) => e.isTypeOnly);
    if (ts.isImportDeclaration(node)) {
        const clause = node.importClause;
        const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
        return !!clause && (clause.isTypeOnly || (!clause.name && allTyped(named)));
    }
    return node.isTypeOnly || allTyped(node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined);
}

/** Every module specifier of a file, with how it is imported (`import type` and type-only re-exports are "type"). */
export function readImports(file: string): Array<{ specifier: string; kind: EdgeKind }> {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
    const found: Array<{ specifier: string; kind: EdgeKind }> = [];
    const visit = (node: ts.Node) => {
        if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
            found.push({ specifier: node.moduleSpecifier.text, kind: isTypeOnly(node) ? "type" : "runtime" });
        } else if (
            ts.isCallExpression(node) &&
            node.expression.kind === ts.SyntaxKind.ImportKeyword &&
            node.arguments.length === 1 &&
            ts.isStringLiteral(node.arguments[0])
        ) {
            found.push({ specifier: node.arguments[0].text, kind: "dynamic" });
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

/** Resolves a relative specifier the way our sources write them ("./x.js" for x.ts); undefined for packages. */
export function resolveRelative(from: string, specifier: string): string | undefined {
    if (!specifier.startsWith(".")) {
        return undefined;
    }
    const base = resolve(dirname(from), specifier);
    const candidates = [base, base.replace(/\.js$/, ".ts"), `${base}.ts`, `${base}.js`, resolve(base, "index.ts"), resolve(base, "index.js")];
    return candidates.find((c) => existsSync(c) && !c.endsWith("/") && /\.(ts|js|cjs)$/.test(c));
}

/** Walks the graph from `entries`, following the edge kinds in `follow` and resolving specifiers with `resolveSpecifier`. */
export function walk(
    entries: string[],
    follow: readonly EdgeKind[],
    resolveSpecifier: (from: string, specifier: string) => string | undefined
): { files: Set<string>; edges: ImportEdge[] } {
    const files = new Set<string>();
    const edges: ImportEdge[] = [];
    const queue = [...entries];
    while (queue.length) {
        const file = queue.pop()!;
        if (files.has(file)) {
            continue;
        }
        files.add(file);
        for (const { specifier, kind } of readImports(file)) {
            const to = follow.includes(kind) ? resolveSpecifier(file, specifier) : undefined;
            if (to) {
                edges.push({ from: file, to, kind });
                queue.push(to);
            }
        }
    }
    return { files, edges };
}

/** The cycles of a graph (one per strongly connected component with more than one file, or a self-import). */
export function findCycles(edges: ImportEdge[]): string[][] {
    const next = new Map<string, string[]>();
    for (const { from, to } of edges) {
        next.set(from, [...(next.get(from) ?? []), to]);
    }
    // Tarjan's strongly connected components.
    let counter = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    const connect = (v: string) => {
        index.set(v, counter);
        low.set(v, counter++);
        stack.push(v);
        onStack.add(v);
        for (const w of next.get(v) ?? []) {
            if (!index.has(w)) {
                connect(w);
                low.set(v, Math.min(low.get(v)!, low.get(w)!));
            } else if (onStack.has(w)) {
                low.set(v, Math.min(low.get(v)!, index.get(w)!));
            }
        }
        if (low.get(v) === index.get(v)) {
            const component: string[] = [];
            let w: string;
            do {
                w = stack.pop()!;
                onStack.delete(w);
                component.push(w);
            } while (w !== v);
            if (component.length > 1 || (next.get(v) ?? []).includes(v)) {
                cycles.push(component.sort());
            }
        }
    };
    for (const v of next.keys()) {
        if (!index.has(v)) {
            connect(v);
        }
    }
    return cycles;
}
