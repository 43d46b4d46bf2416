/**
 * What is stylized: excluded meshes and a depth range, as a mask the composite reads (selectionShaders.ts), drawn at
 * the frame's full size each frame after the camera's render targets. The scene's depth comes from the camera's
 * geometry pass (shared with the temporal filter); the excluded meshes' from a depth pass over them alone, so an
 * excluded mesh hidden behind another surface is not left out. Nothing runs, and nothing is held, while neither is set.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import type { Camera } from "@babylonjs/core/Cameras/camera.js";
import { Constants } from "@babylonjs/core/Engines/constants.js";
import type { RenderTargetWrapper } from "@babylonjs/core/Engines/renderTargetWrapper.js";
import type { EffectRenderer, EffectWrapper } from "@babylonjs/core/Materials/effectRenderer.pure.js";
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { AbstractMesh } from "@babylonjs/core/Meshes/abstractMesh.js";
import type { RenderTargetTexture } from "@babylonjs/core/Materials/Textures/renderTargetTexture.js";
import { DepthRenderer } from "@babylonjs/core/Rendering/depthRenderer.pure.js";
import { afterCameraTargets } from "../gpu/afterCameraTargets.js";
import { createDataTarget, createFullscreenEffect } from "../gpu/fullscreenPass.js";
import type { ResolvedDepthRange, StylizationExclusion } from "../options.js";
import { acquireGeometryPass, releaseGeometryPass, type GeometryPass } from "../temporal/geometryPass.js";
import * as Shaders from "./selectionShaders.js";

/** Stands for an infinite distance in the shader. */
const Far = 1e30;

function predicateOf(exclude: StylizationExclusion): (mesh: AbstractMesh) => boolean {
    if (typeof exclude === "function") {
        return exclude;
    }
    if (typeof exclude === "number") {
        return (mesh) => (mesh.layerMask & exclude) !== 0;
    }
    const meshes = new Set(exclude);
    return (mesh) => meshes.has(mesh);
}

export class SelectionMask {
    private _exclude: StylizationExclusion | null;
    private _range: ResolvedDepthRange | null;
    private _paused = false;
    private _geometry: GeometryPass | undefined;
    /** Kept once made (its RTT is rendered only while something is excluded). */
    private _excluded: DepthRenderer | undefined;
    /** The engine frame at whose end the excluded meshes' depth pass first had every shader ready; -1 before. */
    private _excludedReadySince = -1;
    /** The two passes (see selectionShaders.ts), made on first use. */
    private _passes: { renderer: EffectRenderer; rows: EffectWrapper; mask: EffectWrapper } | undefined;
    /** The rows pass's output and the mask, at the frame's size. */
    private _targets: { rows: RenderTargetWrapper; mask: RenderTargetWrapper } | undefined;
    private _output: { frameId: number; texture: InternalTexture } | undefined;
    private _sources: { depth: InternalTexture; excluded: InternalTexture | undefined } | undefined;
    private readonly _stopRunning: () => void;

    public constructor(
        private readonly _scene: Scene,
        private readonly _camera: Camera,
        exclude: StylizationExclusion | null,
        range: ResolvedDepthRange | null,
        /** A failure inside a frame: the selection is dropped (the scene keeps rendering) and reported here. */
        private readonly _onError: (error: unknown) => void
    ) {
        this._exclude = exclude;
        this._range = range;
        this._update();
        this._stopRunning = afterCameraTargets(_scene, _camera, () => this._guard(() => this._run()));
    }

    public get exclude(): StylizationExclusion | null {
        return this._exclude;
    }
    public set exclude(value: StylizationExclusion | null) {
        this._exclude = value;
        this._guard(() => this._update());
    }

    public get depthRange(): ResolvedDepthRange | null {
        return this._range;
    }
    public set depthRange(value: ResolvedDepthRange | null) {
        this._range = value;
        this._guard(() => this._update());
    }

    /** While true (stylization off), no pass runs and the scene's passes are dropped; the settings apply again after. */
    public set paused(value: boolean) {
        this._paused = value;
        this._guard(() => this._update());
    }

    /** Whether anything is left out: the composite then shows the stylized image only through {@link maskFor}. */
    public get active(): boolean {
        return this._exclude !== null || this._range !== null;
    }

    /** The mask for the frame being drawn (R: the stylized image's weight), or undefined when it is not ready. */
    public maskFor(frameId: number): InternalTexture | undefined {
        return this._output?.frameId === frameId ? this._output.texture : undefined;
    }

    private _guard(work: () => void): void {
        try {
            work();
        } catch (error) {
            this._exclude = this._range = null;
            this._update();
            this._onError(error);
        }
    }

    /** Starts or stops the passes the settings need. */
    private _update(): void {
        const [scene, camera] = [this._scene, this._camera];
        const running = this.active && !this._paused;
        if (running && !this._geometry) {
            this._geometry = acquireGeometryPass(scene, camera);
            this._passes ??= this._createPasses();
        } else if (!running && this._geometry) {
            releaseGeometryPass(camera, this._geometry);
            this._geometry = this._output = undefined;
            this._releaseTargets();
        }
        const targets = camera.customRenderTargets;
        if (this._exclude !== null && !this._paused) {
            this._excluded ??= new DepthRenderer(
                scene,
                Constants.TEXTURETYPE_FLOAT,
                camera,
                false,
                Constants.TEXTURE_NEAREST_SAMPLINGMODE,
                true,
                "stylizeExcluded"
            );
            const map = this._excluded.getDepthMap();
            map.renderListPredicate = predicateOf(this._exclude);
            this._excludedReadySince = -1; // other meshes: their depth shaders may still have to compile
            if (!targets.includes(map)) {
                targets.push(map);
            }
        } else if (this._excluded && targets.includes(this._excluded.getDepthMap())) {
            targets.splice(targets.indexOf(this._excluded.getDepthMap()), 1);
        }
    }

    private _createPasses(): { renderer: EffectRenderer; rows: EffectWrapper; mask: EffectWrapper } {
        const engine = this._scene.getEngine();
        const rows = createFullscreenEffect(engine, {
            name: Shaders.SelectionRowsShaderName,
            glsl: Shaders.SelectionRowsGlsl,
            wgsl: Shaders.SelectionRowsWgsl,
            uniforms: ["size"],
            samplers: Shaders.SelectionRowsSamplers,
        });
        const mask = createFullscreenEffect(
            engine,
            {
                name: Shaders.SelectionShaderName,
                glsl: Shaders.SelectionGlsl,
                wgsl: Shaders.SelectionWgsl,
                uniforms: Shaders.SelectionUniforms,
                samplers: Shaders.SelectionSamplers,
            },
            rows.renderer
        );
        rows.wrapper.onApplyObservable.add(() => this._bindRows(rows.wrapper));
        mask.wrapper.onApplyObservable.add(() => this._bindMask(mask.wrapper));
        return { renderer: rows.renderer, rows: rows.wrapper, mask: mask.wrapper };
    }

    private _releaseTargets(): void {
        this._targets?.rows.dispose();
        this._targets?.mask.dispose();
        this._targets = undefined;
    }

    private _run(): void {
        const [geometry, passes] = [this._geometry, this._passes];
        const depth = geometry?.depth;
        if (!geometry || !passes || !depth || !geometry.fitsRenderSize() || !geometry.settled || !passes.rows.isReady() || !passes.mask.isReady()) {
            return; // off, a canvas resize (this frame's depth is stale), meshes missing from the pass, or shaders compiling
        }
        let excluded: InternalTexture | undefined;
        if (this._exclude !== null) {
            const map = this._excluded!.getDepthMap();
            if (!this._excludedSettled(map)) {
                return; // an excluded mesh missing from its depth would be stylized: the original shows meanwhile
            }
            const size = map.getSize();
            if (size.width !== depth.width || size.height !== depth.height) {
                map.resize({ width: depth.width, height: depth.height });
                return;
            }
            excluded = map.getInternalTexture() ?? undefined;
            if (!excluded) {
                return;
            }
        }
        if (this._targets?.mask.width !== depth.width || this._targets.mask.height !== depth.height) {
            this._releaseTargets();
            const target = (label: string) =>
                createDataTarget(this._scene.getEngine(), depth.width, depth.height, {
                    type: Constants.TEXTURETYPE_UNSIGNED_BYTE,
                    format: Constants.TEXTUREFORMAT_R,
                    samplingMode: Constants.TEXTURE_NEAREST_SAMPLINGMODE,
                    label,
                });
            this._targets = { rows: target("stylizeSelectionRows"), mask: target("stylizeSelection") };
        }
        this._sources = { depth, excluded };
        if (excluded) {
            passes.renderer.render(passes.rows, this._targets.rows);
        }
        passes.renderer.render(passes.mask, this._targets.mask);
        this._sources = undefined;
        this._output = { frameId: this._scene.getEngine().frameId, texture: this._targets.mask.texture! };
    }

    /**
     * Whether the excluded meshes' depth pass drew all of them: as for the geometry pass (GeometryPass.settled), from
     * the frame after the one at whose end every shader was ready.
     */
    private _excludedSettled(map: RenderTargetTexture): boolean {
        const frame = this._scene.getEngine().frameId;
        if (this._excludedReadySince < 0 && map.isReadyForRendering()) {
            this._excludedReadySince = frame;
        }
        return this._excludedReadySince >= 0 && frame > this._excludedReadySince;
    }

    private _bindRows(wrapper: EffectWrapper): void {
        const { depth, excluded } = this._sources!;
        wrapper.effect._bindTexture("sceneDepthSampler", depth);
        wrapper.effect._bindTexture("excludedDepthSampler", excluded!);
        wrapper.effect.setFloat4("size", depth.width, depth.height, 0, 0);
    }

    private _bindMask(wrapper: EffectWrapper): void {
        const effect = wrapper.effect;
        const { depth, excluded } = this._sources!;
        effect._bindTexture("sceneDepthSampler", depth);
        effect._bindTexture("rowsSampler", excluded ? this._targets!.rows.texture! : depth);
        const range = this._range;
        const near = range?.near ?? 0;
        const far = range && Number.isFinite(range.far) ? range.far : Far;
        const nearSoftness = range?.softness ?? near / 10;
        const farSoftness = far === Far ? 0 : (range?.softness ?? far / 10);
        effect.setFloat4("range", near - nearSoftness, near, far, far + farSoftness);
        effect.setFloat4("mode", excluded ? 1 : 0, far === Far ? 1 : 0, 0, 0);
        effect.setFloat4("size", depth.width, depth.height, 0, 0);
    }

    public dispose(): void {
        this._stopRunning();
        this._exclude = this._range = null;
        this._update();
        this._excluded?.dispose();
        this._passes?.rows.dispose();
        this._passes?.mask.dispose();
        this._passes?.renderer.dispose();
    }
}
