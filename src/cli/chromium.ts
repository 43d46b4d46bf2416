/**
 * Chromium for the command line and the browser tests, driven by playwright-core (Debian's `chromium` package, or
 * CHROMIUM_PATH). WebGPU needs a headful browser (presenting a WebGPU canvas headless kills the device), so it runs
 * headful when DISPLAY is set (e.g. under `xvfb-run -a`).
 */
import fs from "node:fs";
import type { Browser } from "playwright-core";

const CommonFlags = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--enable-unsafe-webgpu",
    "--ignore-gpu-blocklist",
];

/** A machine without a GPU: WebGL2 and WebGPU on SwiftShader (Vulkan), as CI runs them. */
const SoftwareGpuFlags = ["--enable-features=Vulkan", "--use-vulkan=swiftshader", "--use-angle=swiftshader"];

export interface ChromiumOptions {
    /** Render on SwiftShader (no GPU needed). */
    softwareGpu?: boolean;
    /** @defaultValue CHROMIUM_PATH, else /usr/bin/chromium */
    executablePath?: string;
    args?: string[];
}

export async function launchChromium(options: ChromiumOptions = {}): Promise<Browser> {
    const executablePath = options.executablePath ?? process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
    if (!fs.existsSync(executablePath)) {
        throw new Error(`no Chromium at ${executablePath}: install it (Debian: apt-get install chromium) or say where it is (CHROMIUM_PATH or --chromium)`);
    }
    let playwright: typeof import("playwright-core");
    try {
        playwright = await import("playwright-core");
    } catch {
        throw new Error('driving Chromium needs the package "playwright-core": npm install --save-dev playwright-core');
    }
    return playwright.chromium.launch({
        executablePath,
        headless: !process.env.DISPLAY,
        args: [...CommonFlags, ...(options.softwareGpu ? SoftwareGpuFlags : []), ...(options.args ?? [])],
    });
}
