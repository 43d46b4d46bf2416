/**
 * Tells a camera cut from motion: between two drawn frames the camera turned more than 45 degrees or moved more than
 * 5% of its view depth (minZ..maxZ). A result captured before a cut shows another view; it is dropped rather than
 * shown until the next one lands. Reads the view matrix and position the camera already has: no allocation per frame.
 */
import type { Camera } from "@babylonjs/core/Cameras/camera.js";

const MaxTurnCos = Math.cos((45 * Math.PI) / 180);
const MaxMoveOfDepth = 0.05;

export class CameraCutDetector {
    private readonly _forward = new Float64Array(3);
    private readonly _position = new Float64Array(3);
    private _seen = false;

    public constructor(private readonly _camera: Camera) {}

    /** Records the camera's pose for this frame; true when it jumped since the last call. */
    public check(): boolean {
        const m = this._camera.getViewMatrix().m;
        const p = this._camera.globalPosition;
        const length = Math.hypot(m[2], m[6], m[10]) || 1; // the view's forward axis in world space
        const fx = m[2] / length;
        const fy = m[6] / length;
        const fz = m[10] / length;
        const f = this._forward;
        const q = this._position;
        const turned = f[0] * fx + f[1] * fy + f[2] * fz < MaxTurnCos;
        const moved = Math.hypot(p.x - q[0], p.y - q[1], p.z - q[2]) > MaxMoveOfDepth * (this._camera.maxZ - this._camera.minZ);
        const cut = this._seen && (turned || moved);
        f[0] = fx;
        f[1] = fy;
        f[2] = fz;
        q[0] = p.x;
        q[1] = p.y;
        q[2] = p.z;
        this._seen = true;
        return cut;
    }
}
