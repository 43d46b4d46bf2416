// Two projects: fast unit tests in Node (NullEngine, onnxruntime-node) and browser tests driving Chromium.
const transform = {
    "^.+\\.[tj]s$": [
        "ts-jest",
        {
            tsconfig: { module: "commonjs", target: "es2022", esModuleInterop: true, skipLibCheck: true, strict: true, allowJs: true, isolatedModules: true },
            diagnostics: false,
        },
    ],
};
const common = {
    transform,
    // @babylonjs/core and the PNG encoder (fast-png, iobuffer) ship ESM only; let ts-jest transform them.
    transformIgnorePatterns: ["/node_modules/(?!@babylonjs/|fast-png/|iobuffer/)"],
    // Sources import siblings as "./x.js"; map them to the .ts files.
    moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
    moduleFileExtensions: ["ts", "js", "cjs", "json", "node"],
};
module.exports = {
    // Browser tests start Chromium and wait for software-GPU inference; unit tests finish far sooner.
    testTimeout: 240_000,
    projects: [
        { ...common, displayName: "unit", testEnvironment: "<rootDir>/test/unit/ortNodeEnvironment.cjs", testMatch: ["<rootDir>/test/unit/**/*.test.ts"] },
        {
            ...common,
            displayName: "browser",
            testEnvironment: "<rootDir>/test/unit/ortNodeEnvironment.cjs",
            testMatch: ["<rootDir>/test/browser/**/*.test.ts"],
        },
    ],
};
