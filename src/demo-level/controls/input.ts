/**
 * Keyboard and mouse for walking: WASD or arrows move, Shift runs, the mouse looks around once the canvas holds the
 * pointer lock (requested on a click, never by itself), and dragging with a button held looks around without it.
 */
import type { MoveIntent } from "./firstPersonController.js";

const Forward = new Set(["KeyW", "ArrowUp"]);
const Back = new Set(["KeyS", "ArrowDown"]);
const Left = new Set(["KeyA", "ArrowLeft"]);
const Right = new Set(["KeyD", "ArrowRight"]);
const Run = new Set(["ShiftLeft", "ShiftRight"]);
export const MovementKeys = new Set([...Forward, ...Back, ...Left, ...Right]);

/** Radians per pixel of mouse motion. */
const LookSpeed = 0.0024;

export class WalkInput {
    private readonly _down = new Set<string>();
    private _lookX = 0;
    private _lookY = 0;
    private _dragging = false;
    private readonly _cleanup: Array<() => void> = [];

    public constructor(private readonly _canvas: HTMLCanvasElement) {
        const listen = <E extends Event>(target: EventTarget, type: string, handler: (e: E) => void) => {
            const listener = handler as EventListener;
            target.addEventListener(type, listener);
            this._cleanup.push(() => target.removeEventListener(type, listener));
        };
        listen(window, "keydown", (e: KeyboardEvent) => {
            if (!e.ctrlKey && !e.metaKey && !e.altKey && (MovementKeys.has(e.code) || Run.has(e.code))) {
                this._down.add(e.code);
                e.preventDefault(); // arrows must not scroll the page
            }
        });
        listen(window, "keyup", (e: KeyboardEvent) => this._down.delete(e.code));
        listen(window, "blur", () => this._down.clear());
        listen(_canvas, "click", () => {
            if (document.pointerLockElement !== _canvas && _canvas.requestPointerLock) {
                // Some browsers return a promise that rejects (e.g. right after leaving the lock); that is fine.
                Promise.resolve(_canvas.requestPointerLock()).catch(() => undefined);
            }
        });
        listen(_canvas, "pointerdown", () => (this._dragging = true));
        listen(window, "pointerup", () => (this._dragging = false));
        listen(window, "mousemove", (e: MouseEvent) => {
            if (document.pointerLockElement === _canvas || (this._dragging && e.buttons)) {
                this._lookX += e.movementX;
                this._lookY += e.movementY;
            }
        });
    }

    /** True while the canvas holds the pointer lock. */
    public get locked(): boolean {
        return document.pointerLockElement === this._canvas;
    }

    /** Movement asked by the keys held now. */
    public intent(): MoveIntent {
        const held = (keys: Set<string>) => [...keys].some((k) => this._down.has(k));
        return {
            forward: (held(Forward) ? 1 : 0) - (held(Back) ? 1 : 0),
            right: (held(Right) ? 1 : 0) - (held(Left) ? 1 : 0),
            run: held(Run),
        };
    }

    /** Mouse look accumulated since the last call, in radians (yaw, pitch). */
    public takeLook(): [number, number] {
        const look: [number, number] = [this._lookX * LookSpeed, this._lookY * LookSpeed];
        this._lookX = this._lookY = 0;
        return look;
    }

    public dispose(): void {
        this._cleanup.forEach((remove) => remove());
        this._down.clear();
    }
}
