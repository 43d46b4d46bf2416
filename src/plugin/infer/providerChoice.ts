/**
 * The execution provider asked for and what `auto` made of it: the providers left out or failed (with why), and the
 * candidates still to fall back on when the running provider fails to run, not only to start.
 */
import { ExecutionProviderError, ProviderRunError, type StylizationError } from "../errors.js";
import type { ExecutionProvider, ExecutionProviderOption, ProviderPlan, SkippedProvider } from "./executionProvider.js";

export class ProviderChoice {
    private _skipped: SkippedProvider[] = [];
    private _fallbacks: ExecutionProvider[] = [];

    public constructor(
        /** `options.executionProvider`, or the last `setModel` that named one. */
        public requested: ExecutionProviderOption
    ) {}

    /** The providers not running the model, and why (left out, failed to start, failed to run). */
    public get skipped(): SkippedProvider[] {
        return this._skipped;
    }

    /** Records the plan's outcome for the session now running: what was skipped, and the candidates after it. */
    public opened(skipped: SkippedProvider[], fallbacks: ExecutionProvider[]): void {
        this._skipped = skipped;
        this._fallbacks = fallbacks;
    }

    /**
     * After the pipeline stopped on `error` while `provider` ran: when the provider failed to run, the plan of the
     * candidates left (the failure joins the reasons), or, when none is left and others failed before it, one
     * ExecutionProviderError naming every reason; otherwise `error` itself, to report.
     */
    public afterRunFailure(provider: ExecutionProvider, error: StylizationError, model: string): { plan: ProviderPlan } | { error: StylizationError } {
        if (!(error instanceof ProviderRunError)) {
            return { error };
        }
        const skipped = [...this._skipped, { provider, reason: `failed to run: ${error.message}` }];
        if (this._fallbacks.length) {
            console.warn(`[stylization] ${error.message}; falling back to the ${this._fallbacks[0]} execution provider`);
            return { plan: { candidates: this._fallbacks, skipped } };
        }
        if (!this._skipped.some((s) => s.reason.startsWith("failed"))) {
            return { error };
        }
        const reasons = skipped.map((s) => `[${s.provider}] ${s.reason}`).join("; ");
        return { error: new ExecutionProviderError(this.requested, `model ${model}: no execution provider could run it: ${reasons}`, { cause: error }) };
    }
}
