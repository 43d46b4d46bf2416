/**
 * Shows a stylization's settings in the Babylon Inspector when it is open, through the post process's
 * `inspectableCustomProperties` (the plugin does not depend on the inspector package). The inspector edits
 * `postProcess[propertyName]`, so each entry is an accessor on the post process that forwards to the handle,
 * where the value is validated like any other assignment.
 */
import { InspectableType, type IInspectable } from "@babylonjs/core/Misc/iInspectable.js";
import type { PostProcess } from "@babylonjs/core/PostProcesses/postProcess.js";
import { ChannelOrders, ColorSpaces, InputRanges, OutputRanges, type PreprocessConfig } from "../contract/preprocessConfig.js";
import { StylizationViews, type StylizationView } from "../options.js";

/** What the Babylon Inspector edits: the stylization handle's settings, each validated by its own setter. */
export interface InspectableStylization {
    enabled: boolean;
    frozen: boolean;
    blend: number;
    view: StylizationView;
    splitPosition: number;
    targetHeight: number;
    readonly preprocess: PreprocessConfig;
}

type Editable = Exclude<keyof InspectableStylization, "preprocess">;

const options = (values: readonly string[]) => values.map((v) => ({ label: v, value: v }));

export function exposeToBabylonInspector(stylization: InspectableStylization, postProcess: PostProcess): void {
    const entries: IInspectable[] = [];
    const forward = (
        property: string,
        label: string,
        type: InspectableType,
        get: () => unknown,
        set: (value: never) => void,
        extra: Partial<IInspectable> = {}
    ) => {
        Object.defineProperty(postProcess, property, { configurable: true, enumerable: false, get, set });
        entries.push({ label, propertyName: property, type, ...extra });
    };
    const handle = (field: Editable, label: string, type: InspectableType, extra?: Partial<IInspectable>) =>
        forward(
            `stylization_${field}`,
            label,
            type,
            () => stylization[field],
            (value) => ((stylization as Record<Editable, unknown>)[field] = value),
            extra
        );
    const contract = (field: keyof PreprocessConfig, label: string, type: InspectableType, extra?: Partial<IInspectable>) =>
        forward(
            `stylization_${field}`,
            label,
            type,
            () => stylization.preprocess[field],
            (value) => ((stylization.preprocess as unknown as Record<string, unknown>)[field] = value),
            extra
        );

    handle("enabled", "Stylization enabled", InspectableType.Checkbox);
    handle("frozen", "Freeze frame", InspectableType.Checkbox);
    handle("blend", "Blend", InspectableType.Slider, { min: 0, max: 1, step: 0.01 });
    handle("view", "View", InspectableType.Options, { options: options(StylizationViews) });
    handle("splitPosition", "Split position", InspectableType.Slider, { min: 0, max: 1, step: 0.01 });
    handle("targetHeight", "Inference height", InspectableType.Slider, { min: 64, max: 1080, step: 8 });
    contract("inputRange", "Input range", InspectableType.Options, { options: options(InputRanges) });
    contract("outputRange", "Output range", InspectableType.Options, { options: options(OutputRanges) });
    contract("channelOrder", "Channel order", InspectableType.Options, { options: options(ChannelOrders) });
    contract("colorSpace", "Network colour space", InspectableType.Options, { options: options(ColorSpaces) });
    contract("flipY", "Flip rows", InspectableType.Checkbox);
    contract("clamp", "Clamp output", InspectableType.Checkbox);
    postProcess.inspectableCustomProperties = entries;
}
