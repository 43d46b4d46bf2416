// Static server for the demo and the browser tests: serves dist-demo/ at /, plus models/ and test/models/, with the
// cross-origin isolation headers (COOP/COEP) that wasm threads (SharedArrayBuffer) need.
const http = require("node:http");
const path = require("node:path");
const sirv = require("sirv");

const root = path.resolve(__dirname, "..");

function isolationHeaders(res) {
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Cross-Origin-Embedder-Policy", "require-corp");
    res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
}

/**
 * Starts the server; resolves with { url, close }. `port` 0 picks a free port.
 * `isolated` false omits COOP/COEP (to test the single-threaded wasm fallback).
 */
function startServer({ port = 8080, host = "127.0.0.1", isolated = true } = {}) {
    const options = { dev: true, etag: true, setHeaders: (res) => isolated && isolationHeaders(res) };
    const mounts = [
        ["/test/models", sirv(path.join(root, "test", "models"), options)],
        ["/models", sirv(path.join(root, "models"), options)],
        ["/bench/models", sirv(path.join(root, "bench", "models"), options)],
        ["", sirv(path.resolve(root, process.env.DEMO_DIST ?? "dist-demo"), { ...options, single: false })],
    ];
    const server = http.createServer((req, res) => {
        if (isolated) {
            isolationHeaders(res);
        }
        const url = req.url ?? "/";
        const mount = mounts.find(([prefix]) => prefix === "" || url === prefix || url.startsWith(prefix + "/"));
        const [prefix, handler] = mount;
        req.url = url.slice(prefix.length) || "/";
        handler(req, res, () => {
            res.statusCode = 404;
            res.setHeader("Content-Type", "text/html");
            res.end(`<!DOCTYPE html><html><body>404 Not Found: ${url.replace(/[<>&]/g, "")}</body></html>`);
        });
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
            const address = server.address();
            resolve({ url: `http://localhost:${address.port}`, close: () => new Promise((r) => server.close(() => r())) });
        });
    });
}

module.exports = { startServer };

if (require.main === module) {
    startServer({ port: Number(process.env.PORT ?? 8080) }).then(({ url }) => {
        console.log(`Demo running at ${url}/  (WebGL2: ${url}/?engine=webgl)  — Ctrl+C to stop`);
    });
}
