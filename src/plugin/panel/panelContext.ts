/** What every part of the panel shares: the stylization, the status line, the sync registry and a few panel actions. */
import type { DiagnosisCandidate } from "../diagnose/diagnoseContract.js";
import type { WidgetHost } from "./dom.js";
import type { InspectedStylization } from "./inspectedStylization.js";
import type { InspectorOptions } from "./inspectorOptions.js";
import type { MismatchWarning } from "./mismatch.js";
import type { ReferencePair } from "./referencePair.js";
import type { ChannelStats } from "./tensorStats.js";

/** The inspector's public figures, which the sections keep up to date (the `StylizationInspector` itself). */
export interface InspectorState {
    readonly disposed: boolean;
    tensorStats: { input?: ChannelStats[]; output?: ChannelStats[] };
    warnings: MismatchWarning[];
    diagnosis: DiagnosisCandidate[] | undefined;
    referencePair: ReferencePair | undefined;
    comparePsnr: number | undefined;
}

export interface PanelContext extends WidgetHost {
    readonly stylization: InspectedStylization;
    readonly options: InspectorOptions;
    readonly state: InspectorState;
    setStatus(text: string, error?: boolean): void;
    /** Runs every sync now (after a change made from the panel, not to wait for the next refresh). */
    syncAll(): void;
    /** Remembers the display settings and the loaded model's overrides. */
    save(): void;
    /** Recomputes the compare view shortly (debounced), after a contract change. */
    scheduleCompare(): void;
}
