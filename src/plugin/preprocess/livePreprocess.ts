/**
 * The contract a stylization applies, live: the defaults, under what the model declares, under the user's overrides.
 * Any edit is validated before it takes effect; the packed numbers the passes need are derived once per change.
 */
import {
    DefaultPreprocessConfig,
    derivePreprocessParams,
    resolvePreprocessConfig,
    type PreprocessConfig,
    type PreprocessParams,
} from "../contract/preprocessConfig.js";

export class LivePreprocess {
    /**
     * The effective contract as an object whose fields can be assigned: `live.inputRange = "[0,1]"` overrides that
     * field (and throws a `PreprocessConfigError` for a value the contract does not know).
     */
    public readonly live: PreprocessConfig;
    private _declared: Partial<PreprocessConfig> | undefined;
    private _overrides: Partial<PreprocessConfig>;
    private _config: PreprocessConfig;
    private _params: PreprocessParams | undefined;

    public constructor(overrides: Partial<PreprocessConfig>) {
        this._overrides = { ...overrides };
        this._config = resolvePreprocessConfig(this._overrides);
        const live = {} as PreprocessConfig;
        for (const key of Object.keys(DefaultPreprocessConfig) as Array<keyof PreprocessConfig>) {
            Object.defineProperty(live, key, {
                enumerable: true,
                get: () => this._config[key],
                set: (value: unknown) => this.setOverrides({ ...this._overrides, [key]: value }),
            });
        }
        this.live = Object.seal(live);
    }

    /** The effective contract (a new object after every change). */
    public get config(): PreprocessConfig {
        return this._config;
    }

    /** The contract reduced to the numbers the passes apply; the same object until the contract changes. */
    public get params(): PreprocessParams {
        this._params ??= derivePreprocessParams(this._config);
        return this._params;
    }

    /** A copy of the user's overrides. */
    public get overrides(): Partial<PreprocessConfig> {
        return structuredClone(this._overrides);
    }

    /** Replaces the overrides; throws on an invalid value before anything changes. */
    public setOverrides(overrides: Partial<PreprocessConfig>): void {
        this._set(this._declared, overrides);
    }

    /** What a model declaring `declared` would get with the current overrides; throws if that is invalid. */
    public resolveFor(declared: Partial<PreprocessConfig> | undefined): PreprocessConfig {
        return resolvePreprocessConfig(declared, this._overrides);
    }

    /** Switches to a new model's declared contract. */
    public setDeclared(declared: Partial<PreprocessConfig> | undefined): void {
        this._set(declared, this._overrides);
    }

    private _set(declared: Partial<PreprocessConfig> | undefined, overrides: Partial<PreprocessConfig>): void {
        this._config = resolvePreprocessConfig(declared, overrides);
        this._declared = declared;
        this._overrides = overrides;
        this._params = undefined;
    }
}
