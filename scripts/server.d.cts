/** Starts the static server used by `npm start` and the browser tests (see server.cjs). */
export function startServer(options?: { port?: number; host?: string; isolated?: boolean }): Promise<{ url: string; close: () => Promise<void> }>;
