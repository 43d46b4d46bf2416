/** The options of `showInspector` / `new StylizationInspector(stylization, options)`. */

/** A model the panel offers in its model list. */
export interface InspectorModelEntry {
    label: string;
    url: string;
    /**
     * The model's reference pairs for diagnosis: the sidecar JSON the training recipe's export writes
     * (`<model folder>/reference/<name>.json`). Without it, reference images are dropped in.
     */
    reference?: string;
}

export interface InspectorOptions {
    /** Where the panel's element goes. @defaultValue `document.body` */
    container?: HTMLElement;
    /** Models to offer; the one whose file name matches the loaded model is selected. A file picker is always offered. */
    models?: readonly InspectorModelEntry[];
    /** Loads a model chosen in the list. @defaultValue `stylization.setModel(entry.url)` */
    selectModel?: (entry: InspectorModelEntry) => Promise<void>;
    /** How often the tensor statistics and warnings refresh, in ms (each refresh reads both tensors back). @defaultValue `500` */
    statsIntervalMs?: number;
    /** Where settings are remembered; `null` remembers nothing. @defaultValue `window.localStorage` */
    storage?: Storage | null;
}
