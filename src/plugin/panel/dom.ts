/** Plain-DOM building blocks of the panel: the `el` helper, sections, rows and the small bound widgets. */

/** Copies the stylization's current state into one part of the panel; every sync runs on each refresh. */
export type Sync = () => void;

/** What a bound widget needs from the panel. */
export interface WidgetHost {
    /** Runs `action`, reporting a thrown error in the status line instead of letting it escape an event handler. */
    attempt(action: () => void | Promise<unknown>, success?: string): void;
    /** Registers a sync, run on each refresh. */
    readonly syncs: Sync[];
    /** Whether the user is in `element` (then a sync leaves its value alone). */
    focused(element: Element): boolean;
}

export function el<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    attributes: Record<string, string | number | boolean | undefined> = {},
    ...children: Array<Node | string | null | undefined>
): HTMLElementTagNameMap[K] {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
        if (value === undefined || value === false) {
            continue;
        }
        if (name === "text") {
            element.textContent = String(value);
        } else {
            element.setAttribute(name, value === true ? "" : String(value));
        }
    }
    for (const child of children) {
        if (child !== null && child !== undefined) {
            element.append(child);
        }
    }
    return element;
}

export function section(title: string, name: string, open: boolean, ...children: Node[]): HTMLElement {
    return el("details", { open, "data-section": name }, el("summary", { text: title }), el("div", { class: "body" }, ...children));
}

export function row(label: string, control: Node, origin?: HTMLElement): HTMLElement {
    return el("div", { class: "row" }, el("label", {}, label, origin), control);
}

export function select<T extends string>(host: WidgetHost, name: string, values: readonly T[], get: () => T, set: (value: T) => void): HTMLSelectElement {
    const select = el("select", { "data-control": name }, ...values.map((v) => el("option", { value: v, text: v })));
    select.addEventListener("change", () => host.attempt(() => set(select.value as T)));
    host.syncs.push(() => {
        if (!host.focused(select)) {
            select.value = get();
        }
    });
    return select;
}

export function checkbox(host: WidgetHost, name: string, get: () => boolean, set: (value: boolean) => void): HTMLInputElement {
    const box = el("input", { type: "checkbox", "data-control": name });
    box.addEventListener("change", () => host.attempt(() => set(box.checked)));
    host.syncs.push(() => (box.checked = get()));
    return box;
}

export function slider(host: WidgetHost, name: string, min: number, max: number, step: number, get: () => number, set: (value: number) => void): HTMLElement {
    const range = el("input", { type: "range", min, max, step, "data-control": name });
    const value = el("span", { class: "muted" });
    range.addEventListener("input", () => host.attempt(() => set(Number(range.value))));
    host.syncs.push(() => {
        if (!host.focused(range)) {
            range.value = String(get());
        }
        value.textContent = get().toFixed(2);
    });
    return el("div", { class: "vec" }, range, value);
}
