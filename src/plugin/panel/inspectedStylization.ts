/**
 * What the inspector panel needs of the stylization it inspects: the members of the `Stylization` handle it reads,
 * sets or calls, with their types. The panel depends on this interface rather than on `../stylization.js`, which
 * creates the panel (`showInspector`): importing it back would make a cycle. `Stylization` satisfies it structurally.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Observable, Observer } from "@babylonjs/core/Misc/observable.js";
import type { PreprocessConfig } from "../contract/preprocessConfig.js";
import type { RgbaFrame } from "../contract/cpuReference.js";
import type { DiagnosisCandidate, DiagnosisOptions } from "../diagnose/diagnoseContract.js";
import type { StylizationError } from "../errors.js";
import type { ModelSource } from "../model/loadModel.js";
import type { ModelDescription } from "../model/modelContract.js";
import type { ExecutionProviderOption, SetModelOptions, StylizationView, TemporalOptions } from "../options.js";
import type { StylizationStats } from "../pipeline/frameStats.js";

export interface InspectedStylization {
    readonly scene: Scene;
    readonly onModelReadyObservable: Observable<ModelDescription>;
    readonly onErrorObservable: Observable<StylizationError>;
    /**
     * `Observable<Stylization>`, notified with the stylization itself when it is disposed. Typed by what the panel does
     * with it (adds an observer that ignores the payload, removes it on close): Babylon's `Observable` is invariant in
     * its payload, so no `Observable<...>` nameable here without `Stylization` would match.
     */
    readonly onDisposeObservable: {
        add(callback: (eventData: unknown) => void): Observer<never> | null;
        remove(observer: Observer<never> | null): boolean;
    };
    readonly model: ModelDescription | undefined;
    readonly lastError: StylizationError | undefined;
    readonly requestedExecutionProvider: ExecutionProviderOption;
    readonly stats: StylizationStats;

    get preprocess(): PreprocessConfig;
    set preprocess(value: Partial<PreprocessConfig>);
    readonly preprocessOverrides: Partial<PreprocessConfig>;
    resetPreprocess(): void;

    enabled: boolean;
    frozen: boolean;
    view: StylizationView;
    blend: number;
    splitPosition: number;
    targetHeight: number;
    targetFps: number;
    get temporal(): Readonly<Required<TemporalOptions>>;
    set temporal(value: TemporalOptions);
    readTemporalValidShare(): Promise<number | undefined>;

    setModel(source: ModelSource, options?: SetModelOptions): Promise<void>;
    readInputTensor(): Promise<Float32Array>;
    readOutputTensor(): Promise<Float32Array | undefined>;
    diagnose(input: RgbaFrame, expected: RgbaFrame, options?: DiagnosisOptions): Promise<DiagnosisCandidate[]>;
    stylizeImage(image: RgbaFrame): Promise<Uint8Array>;
}
