// ESLint: the recommended JavaScript and TypeScript rules, formatting left to Prettier (npm run lint runs both).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";
import globals from "globals";

export default tseslint.config(
    { ignores: ["dist/", "dist-demo/", "coverage/", "models/", "test/models/", "training/", "test/types/.tmp-*/"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: { globals: { ...globals.browser, ...globals.node } },
        rules: {
            // Unused arguments keep a signature readable when prefixed with _.
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
        },
    },
    {
        files: ["**/*.cjs"],
        languageOptions: { sourceType: "commonjs" },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        // Tests reach into the page (`window as any`) and into Babylon's internals.
        files: ["test/**", "bench/**", "scripts/**"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
    prettier
);
