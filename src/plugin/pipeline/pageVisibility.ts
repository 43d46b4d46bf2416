/**
 * A hidden page (a background tab, a minimized window) renders nothing worth stylizing: capturing is held while it is
 * hidden, so no inference runs for it and none is waiting when it shows again.
 * @returns what removes the listener (and releases a hold taken)
 */
export function holdWhileHidden(hold: () => () => void): { remove(): void } {
    if (typeof document === "undefined") {
        return { remove: () => undefined };
    }
    let release: (() => void) | undefined;
    const onVisibility = () => {
        if (document.hidden) {
            release ??= hold();
        } else {
            release?.();
            release = undefined;
        }
    };
    document.addEventListener("visibilitychange", onVisibility);
    onVisibility();
    return {
        remove: () => {
            document.removeEventListener("visibilitychange", onVisibility);
            release?.();
        },
    };
}
