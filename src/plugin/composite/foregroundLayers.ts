/**
 * Keeps the camera's foreground layers out of the stylization. Babylon draws a foreground `Layer` (a Babylon GUI
 * fullscreen UI is one) before the camera's post processes unless its `applyPostProcess` is false, so the generator
 * would paint the HUD. While `stylize` is false, every such layer the camera shows is switched to be drawn after the
 * post processes, i.e. over the stylized image, crisp: checked each frame the camera renders (layers made later are
 * caught on their first frame), switched back when `stylize` turns true or the stylization goes.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import type { Layer } from "@babylonjs/core/Layers/layer.js";
import type { Observer } from "@babylonjs/core/Misc/observable.js";

export class ForegroundLayers {
    /** The layers this switched (and will switch back). */
    private readonly _moved = new Set<Layer>();
    private readonly _observer: Observer<Camera>;
    private _stylize: boolean;

    public constructor(
        private readonly _scene: Scene,
        private readonly _camera: Camera,
        stylize: boolean
    ) {
        this._stylize = stylize;
        this._observer = _scene.onBeforeCameraRenderObservable.add((camera) => camera === _camera && this._update());
        this._update();
    }

    /** True: the layers are stylized with the scene (Babylon's default); false: drawn after the stylization. */
    public get stylize(): boolean {
        return this._stylize;
    }
    public set stylize(value: boolean) {
        this._stylize = value;
        this._update();
    }

    private _update(): void {
        if (this._stylize) {
            this._restore();
            return;
        }
        for (const layer of this._scene.layers ?? []) {
            const shown = !layer.isBackground && !layer.renderOnlyInRenderTargetTextures && (layer.layerMask & this._camera.layerMask) !== 0;
            if (shown && layer.applyPostProcess) {
                layer.applyPostProcess = false;
                this._moved.add(layer);
            }
        }
    }

    private _restore(): void {
        for (const layer of this._moved) {
            if (this._scene.layers?.includes(layer)) {
                layer.applyPostProcess = true;
            }
        }
        this._moved.clear();
    }

    public dispose(): void {
        this._observer.remove();
        this._restore();
    }
}
