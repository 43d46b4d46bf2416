import { InvalidModelError, ModelDownloadError } from "../errors.js";

/** Where a model comes from: a URL (string or `URL`) or the bytes of an `.onnx` file. */
export type ModelSource = string | URL | ArrayBuffer | Uint8Array;

/** Download progress; `total` is undefined when the server does not send a length. */
export interface ModelLoadProgress {
    loaded: number;
    total: number | undefined;
}

/** A short name for messages: the file name of a URL, or "<bytes>" for in-memory models. */
export function modelSourceName(source: ModelSource): string {
    if (typeof source === "string" || source instanceof URL) {
        const text = source.toString();
        return text.split(/[?#]/)[0].split("/").pop() || text;
    }
    return `<${source.byteLength} bytes>`;
}

/** How a model is fetched. */
export interface LoadModelOptions {
    /** Download progress. */
    onProgress?: (progress: ModelLoadProgress) => void;
    /** Aborts the download. */
    signal?: AbortSignal;
    /** The largest model accepted, in bytes; a larger one is refused (before downloading when the server says its size). @defaultValue no cap */
    maxBytes?: number;
    /** A download that receives nothing for this long is abandoned, in ms. @defaultValue `30000` */
    stallTimeoutMs?: number;
}

/**
 * A view of the model's buffer. A detached buffer (transferred to a worker or to onnxruntime's proxy, which takes
 * ownership of what it is given) cannot be read: say so rather than "Cannot perform Construct".
 */
function viewOf(source: ArrayBuffer | Uint8Array): Uint8Array {
    try {
        const buffer = (source instanceof Uint8Array ? source.buffer : source) as ArrayBufferLike & { detached?: boolean };
        if (buffer.detached) {
            throw new TypeError("detached"); // browsers say so; elsewhere a detached buffer throws when viewed
        }
        return source instanceof Uint8Array ? source : new Uint8Array(source);
    } catch (error) {
        throw new InvalidModelError(
            "the ArrayBuffer given as the model is detached: it was transferred (to a worker, or to onnxruntime, which takes ownership of what it runs), so its bytes are gone. Pass a copy (buffer.slice(0)) or keep the original.",
            { cause: error }
        );
    }
}

function megabytes(bytes: number): string {
    return `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * Resolves a model source to its bytes, streaming URLs so that `onProgress` can drive a progress bar.
 * @throws ModelDownloadError when the network fails, the server answers with an error status, the download stalls,
 * or the model is larger than `maxBytes`.
 */
export async function loadModelBytes(source: ModelSource, options: LoadModelOptions = {}): Promise<Uint8Array> {
    const { onProgress, maxBytes = Infinity, stallTimeoutMs = 30_000 } = options;
    const name = modelSourceName(source);
    const tooLarge = (size: number, url: string, status?: number) =>
        new ModelDownloadError(url, `model ${name} is ${megabytes(size)}, over the cap of ${megabytes(maxBytes)} (maxModelBytes)`, status);
    if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
        const bytes = viewOf(source);
        if (bytes.byteLength > maxBytes) {
            throw tooLarge(bytes.byteLength, name);
        }
        return bytes;
    }
    const url = source.toString();
    // One controller aborts on the caller's signal or on a stall; the timer restarts with every chunk received.
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const abort = () => {
        clearTimeout(timer);
        controller.abort(options.signal?.reason);
    };
    if (options.signal?.aborted) {
        abort();
    }
    options.signal?.addEventListener("abort", abort);
    let stalled = false;
    const watch = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
            stalled = true;
            controller.abort();
        }, stallTimeoutMs);
    };
    const failure = (error: unknown, loaded: number, status?: number) =>
        stalled
            ? new ModelDownloadError(url, `download of model ${url} stalled: nothing arrived for ${stallTimeoutMs} ms (after ${loaded} bytes)`, status, {
                  cause: error,
              })
            : undefined;
    if (!controller.signal.aborted) {
        watch();
    }
    try {
        let response: Response;
        try {
            response = await fetch(url, { signal: controller.signal });
        } catch (error) {
            throw (
                failure(error, 0) ??
                new ModelDownloadError(
                    url,
                    `could not download model ${url}: ${(error as Error).message}. Check the URL and that the server is reachable.`,
                    undefined,
                    {
                        cause: error,
                    }
                )
            );
        }
        if (!response.ok) {
            throw new ModelDownloadError(
                url,
                `could not download model ${url}: the server answered HTTP ${response.status} ${response.statusText}. Check the path (relative URLs resolve against the page).`,
                response.status
            );
        }
        const lengthHeader = response.headers.get("content-length");
        const total = lengthHeader ? Number(lengthHeader) : undefined;
        if (total !== undefined && total > maxBytes) {
            controller.abort();
            throw tooLarge(total, url, response.status);
        }
        if (!response.body) {
            const bytes = new Uint8Array(await response.arrayBuffer());
            onProgress?.({ loaded: bytes.byteLength, total: bytes.byteLength });
            return bytes;
        }
        const reader = response.body.getReader();
        const chunks: Uint8Array[] = [];
        let loaded = 0;
        onProgress?.({ loaded, total });
        try {
            for (;;) {
                watch();
                const { done, value } = await reader.read();
                if (done) {
                    break;
                }
                chunks.push(value);
                loaded += value.byteLength;
                if (loaded > maxBytes) {
                    controller.abort();
                    throw tooLarge(loaded, url, response.status);
                }
                onProgress?.({ loaded, total });
            }
        } catch (error) {
            if (error instanceof ModelDownloadError) {
                throw error;
            }
            throw (
                failure(error, loaded, response.status) ??
                new ModelDownloadError(url, `download of model ${url} broke off after ${loaded} bytes: ${(error as Error).message}`, response.status, {
                    cause: error,
                })
            );
        }
        const bytes = new Uint8Array(loaded);
        let offset = 0;
        for (const chunk of chunks) {
            bytes.set(chunk, offset);
            offset += chunk.byteLength;
        }
        return bytes;
    } finally {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", abort);
    }
}
