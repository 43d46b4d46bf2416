/**
 * Where the stylization sits among the camera's post processes, kept each frame the camera renders (Babylon's
 * DefaultRenderingPipeline re-attaches its post processes at the end of the chain whenever a setting rebuilds it):
 *   "after"  last: the frame as displayed (tone mapped, bloomed, anti-aliased) is stylized, effects included;
 *   "before" first: the scene's frame is stylized and the other effects (tone mapping, bloom, FXAA, grain) apply to
 *            the stylized image, intact.
 * First in the chain, the composite's input is the scene's render target, so it takes the texture type and MSAA
 * samples of the post process that was first (an HDR pipeline renders the scene into half floats) and gives them back
 * when it leaves. Before an ImageProcessingPostProcess (the scene's image processing applied by post process) the frame
 * is linear light: `mapping` says how it is displayed, for the capture and the composite (see frameMapping.ts).
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import type { Observer } from "@babylonjs/core/Misc/observable.js";
import type { PostProcess } from "@babylonjs/core/PostProcesses/postProcess.js";
import type { StylizationPostProcess } from "./stylizationPostProcess.js";
import { DisplayMapping, frameMappingFor, sameMapping, type FrameMapping } from "../contract/frameMapping.js";
import type { StylizationPlacement } from "../options.js";

/** What a post process's render targets are made of (Babylon keeps the type private; it is read and set here). */
interface TargetFormat {
    _textureType: number;
    samples: number;
}

export class ChainPlacement {
    private _placement: StylizationPlacement;
    private _mapping: FrameMapping = DisplayMapping;
    /** The composite's own target format, while it borrows the first post process's. */
    private _own: { textureType: number; samples: number } | undefined;
    private readonly _observer: Observer<Camera>;
    private _warned = false;

    public constructor(
        private readonly _scene: Scene,
        private readonly _camera: Camera,
        private readonly _postProcess: StylizationPostProcess,
        placement: StylizationPlacement,
        /** The frame mapping changed (results captured before it must not be shown with the new one). */
        private readonly _onMappingChange: () => void
    ) {
        this._placement = placement;
        this._observer = _scene.onBeforeCameraRenderObservable.add((camera) => camera === _camera && this._update(true));
        this._update(false); // nothing captured yet: nothing to tell
    }

    public get placement(): StylizationPlacement {
        return this._placement;
    }
    public set placement(value: StylizationPlacement) {
        this._placement = value;
        this._update(true);
    }

    /** How the captured frame is displayed (DisplayMapping unless it is linear light). */
    public get mapping(): FrameMapping {
        return this._mapping;
    }

    /** Puts the composite where the placement wants it and follows the chain around it; `tell`: report a new mapping. */
    private _update(tell: boolean): void {
        const chain = this._camera._postProcesses.filter((p): p is PostProcess => !!p);
        const index = chain.indexOf(this._postProcess);
        if (index < 0) {
            return; // disposed
        }
        const wanted = this._placement === "before" ? 0 : chain.length - 1;
        if (index !== wanted) {
            this._camera.detachPostProcess(this._postProcess);
            this._camera.attachPostProcess(this._postProcess, this._placement === "before" ? 0 : null);
        }
        const others = chain.filter((p) => p !== this._postProcess);
        const before = this._placement === "before";
        this._borrowFormat(before ? others[0] : undefined);
        const configuration = this._scene.imageProcessingConfiguration;
        const mapping = frameMappingFor(configuration, before && configuration.applyByPostProcess && others.some(isImageProcessing));
        if (mapping.unsupported && !this._warned) {
            this._warned = true;
            console.warn(`[stylization] placement "before": ${mapping.unsupported}`);
        }
        if (!sameMapping(mapping, this._mapping)) {
            this._mapping = this._postProcess.composite.mapping = { mode: mapping.mode, exposure: mapping.exposure };
            if (tell) {
                this._onMappingChange();
            }
        }
    }

    /** First in the chain: the target format of the post process that follows (which was first); else its own. */
    private _borrowFormat(next: PostProcess | undefined): void {
        const target = this._postProcess as unknown as TargetFormat;
        const wanted = next ? { textureType: (next as unknown as TargetFormat)._textureType, samples: next.samples } : this._own;
        if (!wanted || (wanted.textureType === target._textureType && wanted.samples === target.samples)) {
            return;
        }
        this._own ??= { textureType: target._textureType, samples: target.samples };
        target._textureType = wanted.textureType;
        target.samples = wanted.samples;
        this._postProcess.markTextureDirty();
        if (!next) {
            this._own = undefined;
        }
    }

    public dispose(): void {
        this._observer.remove();
    }
}

function isImageProcessing(postProcess: PostProcess): boolean {
    return postProcess.getClassName() === "ImageProcessingPostProcess";
}
