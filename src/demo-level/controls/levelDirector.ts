/**
 * Decides, before every frame, where the camera is and what time it is in the level: walking (keys and mouse, wall
 * clock), the scripted path (frame-driven), or a still (a path frame or a random viewpoint held for captures).
 */
import type { Observer } from "@babylonjs/core/Misc/observable.js";
import type { Scene } from "@babylonjs/core/scene.js";
import { Vector3 } from "@babylonjs/core/Maths/math.vector.js";
import type { Village } from "../village/createVillage.js";
import { terrainHeight } from "../village/layout.js";
import { Random } from "../village/random.js";
import { CameraPath, type CameraPose } from "./cameraPath.js";
import { FirstPersonController } from "./firstPersonController.js";
import { LevelClock } from "./levelClock.js";
import type { WalkInput } from "./input.js";

export type CameraMode = "walk" | "path" | "viewpoint";

/** Where walking starts: the south entrance of the square, facing the fountain. */
export const WalkStart = { x: 0.6, z: -16, yaw: 0 };

export class LevelDirector {
    public readonly clock = new LevelClock();
    public readonly path = new CameraPath();
    public readonly player = new FirstPersonController(WalkStart);
    private _mode: CameraMode = "walk";
    private _viewpoint: CameraPose | undefined;
    private readonly _observer: Observer<Scene>;

    public constructor(
        private readonly _village: Village,
        private readonly _input: WalkInput | null
    ) {
        const scene = _village.scene;
        this._observer = scene.onBeforeRenderObservable.add(() => this.update(scene.getEngine().getDeltaTime()));
    }

    public get mode(): CameraMode {
        return this._mode;
    }

    /** Flies the path from `frame` on, one path frame per rendered frame. */
    public playPath(frame = 0): void {
        this._mode = "path";
        this.clock.playFrames(frame);
    }

    /** Shows path frame `frame` (camera and animations) until told otherwise. */
    public holdPathFrame(frame: number): void {
        this._mode = "path";
        this.clock.holdFrame(frame);
    }

    /**
     * Holds a random viewpoint: a free spot within the village's walkable area, at eye height or a little above, with
     * a random heading and the animations at a random time. The same seed gives the same view.
     */
    public holdViewpoint(seed: number): void {
        const random = new Random(seed * 7919 + 17);
        let x = 0;
        let z = 0;
        for (let attempt = 0; attempt < 200; attempt++) {
            const angle = random.range(0, Math.PI * 2);
            const r = Math.sqrt(random.next()) * 40;
            x = Math.cos(angle) * r;
            z = Math.sin(angle) * r;
            // Keep clear of walls and tree crowns: a capture should not stare into a surface.
            if (this.player.isFree(x, z, 2)) {
                break;
            }
        }
        const height = terrainHeight(x, z) + random.range(1.5, random.chance(0.25) ? 9 : 3);
        const yaw = random.range(0, Math.PI * 2);
        const pitch = random.range(-0.12, 0.3);
        const distance = 10;
        const target: [number, number, number] = [
            x + Math.sin(yaw) * Math.cos(pitch) * distance,
            height - Math.sin(pitch) * distance,
            z + Math.cos(yaw) * Math.cos(pitch) * distance,
        ];
        this._viewpoint = { position: [x, height, z], target };
        this._mode = "viewpoint";
        this.clock.holdFrame(random.int(0, 3600));
    }

    /** Back to walking from wherever the camera is now. */
    public walk(): void {
        if (this._mode !== "walk") {
            const camera = this._village.camera;
            const forward = camera.getDirection(Vector3.Forward());
            this.player.x = camera.position.x;
            this.player.z = camera.position.z;
            this.player.yaw = Math.atan2(forward.x, forward.z);
            this.player.pitch = 0;
            this.player.resolve();
        }
        this._mode = "walk";
        this.clock.playRealtime();
    }

    public update(deltaMs: number): void {
        const camera = this._village.camera;
        if (this._input && this._mode !== "walk") {
            // Any movement key takes the camera back from the path.
            const intent = this._input.intent();
            if (intent.forward || intent.right) {
                this.walk();
            }
        }
        this.clock.tick(deltaMs);
        if (this._mode === "walk") {
            if (this._input) {
                const [dyaw, dpitch] = this._input.takeLook();
                this.player.look(dyaw, dpitch);
                this.player.step(Math.min(deltaMs, 100) / 1000, this._input.intent());
            }
            camera.position.set(...this.player.eye);
            camera.rotation.set(this.player.pitch, this.player.yaw, 0);
        } else {
            this._input?.takeLook(); // mouse motion during the path is dropped, not saved up
            const pose = this._mode === "path" ? this.path.pose(this.clock.frame) : this._viewpoint!;
            camera.position.set(...pose.position);
            camera.setTarget(new Vector3(...pose.target));
        }
        this._village.animate(this.clock.time);
    }

    public dispose(): void {
        this._village.scene.onBeforeRenderObservable.remove(this._observer);
        this._input?.dispose();
    }
}
