/**
 * Debian's Chromium (see src/cli/chromium.ts) against the project's static server, on SwiftShader. WebGPU needs a
 * headful browser, so pages run headful under Xvfb when DISPLAY is set.
 */
import type { Browser, Page } from "playwright-core";
import { startServer } from "../../scripts/server.cjs";
import { launchChromium } from "../../src/cli/chromium";

export type EngineKind = "webgpu" | "webgl";

export interface BrowserSession {
    browser: Browser;
    baseUrl: string;
    close(): Promise<void>;
}

export async function openBrowser(options: { isolated?: boolean; /** Extra Chromium flags. */ args?: string[] } = {}): Promise<BrowserSession> {
    const server = await startServer({ port: 0, isolated: options.isolated ?? true });
    const browser = await launchChromium({ softwareGpu: true, args: options.args });
    return {
        browser,
        baseUrl: server.url,
        close: async () => {
            await browser.close();
            await server.close();
        },
    };
}

/** An engine and the execution provider a test stylizes with. */
export interface CapturePath {
    engine: EngineKind;
    ep: "webgpu" | "wasm";
}

/** The readback path (WebGL2 + wasm) and the zero-copy path (WebGPU + its EP). */
export const ReadbackAndZeroCopy: readonly CapturePath[] = [
    { engine: "webgl", ep: "wasm" },
    { engine: "webgpu", ep: "webgpu" },
];

/** Every way a frame reaches the network: those two and the WebGPU compute capture read back for wasm. */
export const EveryCapturePath: readonly CapturePath[] = [
    { engine: "webgl", ep: "wasm" },
    { engine: "webgpu", ep: "wasm" },
    { engine: "webgpu", ep: "webgpu" },
];

/**
 * The file's browser: opened before its tests (beforeAll), closed after them (afterAll). Read it inside tests and
 * hooks only; it is not open before.
 */
export function sharedBrowser(): BrowserSession {
    let opened: BrowserSession | undefined;
    beforeAll(async () => {
        opened = await openBrowser();
    });
    afterAll(async () => {
        await opened?.close();
    });
    const live = (): BrowserSession => {
        if (!opened) {
            throw new Error("the shared browser opens in beforeAll: use it inside tests and hooks");
        }
        return opened;
    };
    return {
        get browser() {
            return live().browser;
        },
        get baseUrl() {
            return live().baseUrl;
        },
        close: () => live().close(),
    };
}

export interface DemoPage {
    page: Page;
    /** Console errors and page errors seen so far. */
    errors: string[];
    logs: string[];
}

/** Opens the demo with query parameters and waits for `window.demo`. */
export async function openDemo(
    session: BrowserSession,
    query: Record<string, string>,
    timeout = 120_000,
    viewport?: { width: number; height: number }
): Promise<DemoPage> {
    const page = await session.browser.newPage({
        viewport: viewport ?? { width: Number(process.env.VIEW_W ?? 320), height: Number(process.env.VIEW_H ?? 240) },
    });
    const errors: string[] = [];
    const logs: string[] = [];
    page.on("console", (m) => {
        logs.push(`[${m.type()}] ${m.text()}`);
        if (m.type() === "error") {
            errors.push(m.text());
        }
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${session.baseUrl}/?${new URLSearchParams(query)}`);
    await page.waitForFunction(() => !!(window as any).demo, null, { timeout, polling: 200 });
    return { page, errors, logs };
}
