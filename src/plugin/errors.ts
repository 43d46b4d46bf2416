/**
 * Every failure the plugin reports is one of these: the message says what was wrong, with which model or option, and
 * what to do. They are thrown by `enableStylization`/`setModel`, the setters of the handle, diagnosis and the panel,
 * and emitted on `onErrorObservable`; the scene keeps rendering unstylized. (The pure CPU-reference functions throw a
 * plain `RangeError` when handed a buffer of the wrong length: a bug in the calling code, not a failure to report.)
 */

/** Base class of all stylization errors. */
export class StylizationError extends Error {
    public override name = "StylizationError";
    public constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
    }
}

/** The model could not be downloaded (network error or HTTP status). */
export class ModelDownloadError extends StylizationError {
    public override name = "ModelDownloadError";
    public constructor(
        public readonly url: string,
        message: string,
        public readonly status?: number,
        options?: { cause?: unknown }
    ) {
        super(message, options);
    }
}

/** The bytes are not a readable ONNX model (an HTML error page, a truncated file, another format). */
export class InvalidModelError extends StylizationError {
    public override name = "InvalidModelError";
}

/** The model is ONNX but its inputs or outputs are not an image-to-image generator the plugin can drive. */
export class UnsupportedModelError extends StylizationError {
    public override name = "UnsupportedModelError";
}

/** The requested execution provider cannot run here (no WebGPU adapter, wrong engine, failed to initialize). */
export class ExecutionProviderError extends StylizationError {
    public override name = "ExecutionProviderError";
    public constructor(
        public readonly provider: string,
        message: string,
        options?: { cause?: unknown }
    ) {
        super(message, options);
    }
}

/** The execution provider cannot run an operator the model uses. */
export class UnsupportedOperatorError extends ExecutionProviderError {
    public override name = "UnsupportedOperatorError";
    public constructor(
        provider: string,
        public readonly operator: string,
        public readonly supportedBy: readonly string[],
        message: string,
        options?: { cause?: unknown }
    ) {
        super(provider, message, options);
    }
}

/** Running the network on a frame failed (device lost, out of memory, shape mismatch at run time). */
export class InferenceError extends StylizationError {
    public override name = "InferenceError";
}

/** The execution provider failed while running the network (it had started); `auto` then falls back to the next. */
export class ProviderRunError extends InferenceError {
    public override name = "ProviderRunError";
    public constructor(
        public readonly provider: string,
        message: string,
        options?: { cause?: unknown }
    ) {
        super(message, options);
    }
}

/** The GPU device (WebGPU) or WebGL context was lost; stylization resumes when the engine restores it. */
export class DeviceLostError extends StylizationError {
    public override name = "DeviceLostError";
}

/** An option passed to `enableStylization` (or set on the handle) is invalid. */
export class StylizationOptionsError extends StylizationError {
    public override name = "StylizationOptionsError";
}

/** A preprocessing value is not one the contract knows (an option, a live edit, model metadata or a settings file). */
export class PreprocessConfigError extends StylizationOptionsError {
    public override name = "PreprocessConfigError";
}

/** A reference pair (an input frame and the output training produced for it) cannot be used as given. */
export class ReferencePairError extends StylizationError {
    public override name = "ReferencePairError";
}

/** Wraps anything thrown into a StylizationError subclass, keeping the original as `cause`. */
export function asStylizationError(error: unknown, fallback: (message: string, cause: unknown) => StylizationError): StylizationError {
    if (error instanceof StylizationError) {
        return error;
    }
    const message = error instanceof Error ? error.message : String(error);
    return fallback(message, error);
}

/** Wraps an observer callback so that what it throws goes to `onError` instead of up into Babylon's render loop. */
export function guarded(work: () => void, onError: (error: unknown) => void): () => void {
    return () => {
        try {
            work();
        } catch (error) {
            onError(error);
        }
    };
}
