import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InvalidModelError, ModelDownloadError, StylizationError } from "../../../src/plugin/errors";
import { loadModelBytes, modelSourceName, type ModelLoadProgress } from "../../../src/plugin/model/loadModel";

/** 200 KB of deterministic bytes, sent in 4 chunks with pauses so the client sees several reads. */
const payload = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31 + (i >> 8)) & 0xff);

let server: Server;
let base: string;

beforeAll(async () => {
    server = createServer((req, res) => {
        const send = async (withLength: boolean) => {
            res.writeHead(200, { "content-type": "application/octet-stream", ...(withLength ? { "content-length": String(payload.length) } : {}) });
            const step = payload.length / 4;
            for (let i = 0; i < 4; i++) {
                res.write(payload.subarray(i * step, (i + 1) * step));
                await new Promise((r) => setTimeout(r, 20));
            }
            res.end();
        };
        if (req.url?.startsWith("/model.onnx")) {
            void send(true);
        } else if (req.url === "/chunked.onnx") {
            void send(false);
        } else if (req.url === "/stall.onnx") {
            res.writeHead(200, { "content-type": "application/octet-stream" });
            res.write(payload.subarray(0, 1000)); // then nothing, and the connection stays open
        } else if (req.url === "/stall-headers.onnx") {
            // not even the headers
        } else {
            res.writeHead(404, { "content-type": "text/html" });
            res.end("<!DOCTYPE html><html><body>404 Not Found</body></html>");
        }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
});

async function rejection(p: Promise<unknown>): Promise<Error> {
    try {
        await p;
    } catch (e) {
        return e as Error;
    }
    throw new Error("expected a rejection");
}

describe("loadModelBytes from memory", () => {
    test("a Uint8Array is returned as is", async () => {
        const bytes = Uint8Array.from([1, 2, 3]);
        await expect(loadModelBytes(bytes)).resolves.toBe(bytes);
    });

    test("an ArrayBuffer becomes a view of the same buffer", async () => {
        const buffer = Uint8Array.from([4, 5, 6, 7]).buffer;
        const out = await loadModelBytes(buffer);
        expect(out).toBeInstanceOf(Uint8Array);
        expect(out.buffer).toBe(buffer);
        expect(Array.from(out)).toEqual([4, 5, 6, 7]);
    });

    test("in-memory sources never report progress", async () => {
        const onProgress = jest.fn();
        await loadModelBytes(new Uint8Array(4), { onProgress });
        expect(onProgress).not.toHaveBeenCalled();
    });
});

describe("loadModelBytes from a URL", () => {
    test("the bytes arrive; progress rises from 0 to the content-length", async () => {
        const progress: ModelLoadProgress[] = [];
        const bytes = await loadModelBytes(`${base}/model.onnx?v=1`, { onProgress: (p) => progress.push({ ...p }) });
        expect(bytes.length).toBe(payload.length);
        expect(Buffer.from(bytes).equals(Buffer.from(payload))).toBe(true);

        expect(progress.length).toBeGreaterThanOrEqual(3);
        expect(progress[0]).toEqual({ loaded: 0, total: payload.length });
        for (let i = 1; i < progress.length; i++) {
            expect(progress[i].loaded).toBeGreaterThan(progress[i - 1].loaded);
        }
        expect(progress.every((p) => p.total === payload.length)).toBe(true);
        expect(progress[progress.length - 1].loaded).toBe(payload.length);
    });

    test("a URL object works the same", async () => {
        const bytes = await loadModelBytes(new URL("/model.onnx", base));
        expect(bytes.length).toBe(payload.length);
    });

    test("without content-length, total is undefined and loaded still ends at the size", async () => {
        const progress: ModelLoadProgress[] = [];
        const bytes = await loadModelBytes(`${base}/chunked.onnx`, { onProgress: (p) => progress.push({ ...p }) });
        expect(bytes.length).toBe(payload.length);
        expect(progress.every((p) => p.total === undefined)).toBe(true);
        expect(progress[progress.length - 1].loaded).toBe(payload.length);
    });

    test("HTTP 404 -> ModelDownloadError with status 404", async () => {
        const url = `${base}/missing.onnx`;
        const e = await rejection(loadModelBytes(url));
        expect(e).toBeInstanceOf(ModelDownloadError);
        expect(e).toBeInstanceOf(StylizationError);
        expect(e.name).toBe("ModelDownloadError");
        const d = e as ModelDownloadError;
        expect(d.status).toBe(404);
        expect(d.url).toBe(url);
        expect(d.message).toContain("HTTP 404");
        expect(d.message).toContain(url);
    });

    test("a refused connection -> ModelDownloadError without status", async () => {
        const closed = createServer();
        await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
        const port = (closed.address() as AddressInfo).port;
        await new Promise<void>((resolve) => closed.close(() => resolve()));

        const url = `http://127.0.0.1:${port}/model.onnx`;
        const e = await rejection(loadModelBytes(url));
        expect(e).toBeInstanceOf(ModelDownloadError);
        const d = e as ModelDownloadError;
        expect(d.status).toBeUndefined();
        expect(d.url).toBe(url);
        expect(d.message).toContain(`could not download model ${url}`);
        expect(d.cause).toBeDefined();
    });

    test("an aborted signal -> ModelDownloadError", async () => {
        const controller = new AbortController();
        controller.abort();
        const e = await rejection(loadModelBytes(`${base}/model.onnx`, { signal: controller.signal }));
        expect(e).toBeInstanceOf(ModelDownloadError);
        expect((e as ModelDownloadError).status).toBeUndefined();
    });
});

describe("loadModelBytes from a detached buffer", () => {
    test("an ArrayBuffer that was transferred away is an InvalidModelError that says so", async () => {
        const buffer = new ArrayBuffer(16);
        structuredClone(buffer, { transfer: [buffer] }); // as postMessage to a worker would
        const e = await rejection(loadModelBytes(buffer));
        expect(e).toBeInstanceOf(InvalidModelError);
        expect(e.message).toMatch(/^the ArrayBuffer given as the model is detached: it was transferred .* Pass a copy/);
    });
});

describe("loadModelBytes limits", () => {
    test("a model over maxBytes is refused: before the download when the server gives its size, else as it streams", async () => {
        const announced = await rejection(loadModelBytes(`${base}/model.onnx`, { maxBytes: 100_000 }));
        expect(announced).toBeInstanceOf(ModelDownloadError);
        expect(announced.message).toBe("model model.onnx is 0.2 MB, over the cap of 0.1 MB (maxModelBytes)");
        const streamed = await rejection(loadModelBytes(`${base}/chunked.onnx`, { maxBytes: 100_000 }));
        expect(streamed).toBeInstanceOf(ModelDownloadError);
        expect(streamed.message).toMatch(/^model chunked\.onnx is 0\.1 MB, over the cap of 0\.1 MB/);
        await expect(loadModelBytes(new Uint8Array(10), { maxBytes: 9 })).rejects.toThrow("over the cap");
        await expect(loadModelBytes(`${base}/model.onnx`, { maxBytes: payload.length })).resolves.toHaveLength(payload.length);
    });

    test.each(["/stall.onnx", "/stall-headers.onnx"])("a download that stalls (%s) fails after stallTimeoutMs, naming the stall", async (route) => {
        const started = Date.now();
        const e = await rejection(loadModelBytes(`${base}${route}`, { stallTimeoutMs: 300 }));
        expect(e).toBeInstanceOf(ModelDownloadError);
        expect(e.message).toMatch(/stalled: nothing arrived for 300 ms/);
        expect(Date.now() - started).toBeLessThan(5000);
    });

    test("a slow download that keeps receiving does not stall", async () => {
        // 4 chunks 20 ms apart: every gap is shorter than the timeout, the whole download is not.
        await expect(loadModelBytes(`${base}/model.onnx`, { stallTimeoutMs: 50 })).resolves.toHaveLength(payload.length);
    });
});

describe("modelSourceName", () => {
    test("URLs give their file name without query or fragment", () => {
        expect(modelSourceName("https://cdn.example.com/models/mosaic.onnx?v=3&x=y")).toBe("mosaic.onnx");
        expect(modelSourceName("https://cdn.example.com/models/mosaic.onnx#part")).toBe("mosaic.onnx");
        expect(modelSourceName("models/candy.onnx")).toBe("candy.onnx");
        expect(modelSourceName("plain.onnx")).toBe("plain.onnx");
        expect(modelSourceName(new URL("https://example.com/a/b/udnie.onnx?token=abc"))).toBe("udnie.onnx");
    });

    test('a URL ending in "/" falls back to the whole text', () => {
        expect(modelSourceName("https://example.com/models/")).toBe("https://example.com/models/");
    });

    test("bytes give their length", () => {
        expect(modelSourceName(new Uint8Array(1234))).toBe("<1234 bytes>");
        expect(modelSourceName(new ArrayBuffer(5))).toBe("<5 bytes>");
    });
});
