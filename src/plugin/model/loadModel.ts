import { ModelDownloadError } from "../errors.js";

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

/**
 * Resolves a model source to its bytes, streaming URLs so that `onProgress` can drive a progress bar.
 * @throws ModelDownloadError when the network fails or the server answers with an error status.
 */
export async function loadModelBytes(source: ModelSource, onProgress?: (progress: ModelLoadProgress) => void, signal?: AbortSignal): Promise<Uint8Array> {
    if (source instanceof Uint8Array) {
        return source;
    }
    if (source instanceof ArrayBuffer) {
        return new Uint8Array(source);
    }
    const url = source.toString();
    let response: Response;
    try {
        response = await fetch(url, { signal });
    } catch (error) {
        throw new ModelDownloadError(
            url,
            `could not download model ${url}: ${(error as Error).message}. Check the URL and that the server is reachable.`,
            undefined,
            { cause: error }
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
            const { done, value } = await reader.read();
            if (done) {
                break;
            }
            chunks.push(value);
            loaded += value.byteLength;
            onProgress?.({ loaded, total });
        }
    } catch (error) {
        throw new ModelDownloadError(url, `download of model ${url} broke off after ${loaded} bytes: ${(error as Error).message}`, response.status, {
            cause: error,
        });
    }
    const bytes = new Uint8Array(loaded);
    let offset = 0;
    for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.byteLength;
    }
    return bytes;
}
