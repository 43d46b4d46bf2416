// Builds the demo level (src/demo-level) into dist-demo/, with the minimal game page the capture command's test drives
// (test/pages, served at /test-pages/minimal-game.html). The library itself is built by tsc (npm run build:lib).
import path from "node:path";
import { fileURLToPath } from "node:url";
import HtmlWebpackPlugin from "html-webpack-plugin";

const root = path.dirname(fileURLToPath(import.meta.url));

export default (_env, argv) => ({
    mode: argv.mode ?? "production",
    entry: { demo: "./src/demo-level/main.ts", minimalGame: "./test/pages/minimalGame.ts" },
    // DEMO_DIST lets two builds (and their test servers) coexist, e.g. while another checkout's tests run.
    output: {
        path: path.resolve(root, process.env.DEMO_DIST ?? "dist-demo"),
        filename: "[name].[contenthash:8].js",
        chunkFilename: "[name].[contenthash:8].js",
        clean: true,
    },
    devtool: "source-map",
    resolve: {
        extensions: [".ts", ".js"],
        // Sources import siblings as "./x.js" (ESM style); let webpack find the .ts file.
        extensionAlias: { ".js": [".ts", ".js"] },
    },
    module: {
        rules: [{ test: /\.ts$/, loader: "ts-loader", exclude: /node_modules/, options: { configFile: "tsconfig.json", transpileOnly: true } }],
    },
    // The page and its icon are the demo's static files (assets/demo/).
    plugins: [
        new HtmlWebpackPlugin({ template: "./assets/demo/index.html", favicon: "./assets/demo/favicon.svg", chunks: ["demo"] }),
        new HtmlWebpackPlugin({ template: "./test/pages/minimalGame.html", filename: "test-pages/minimal-game.html", chunks: ["minimalGame"] }),
    ],
    performance: { hints: false },
    optimization: { minimize: argv.mode === "production" },
});
