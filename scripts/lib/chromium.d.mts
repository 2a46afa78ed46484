export const CHROMIUM_ARGS: string[];
export function findChromium(): Promise<string | null>;
export function provisionChromium(): Promise<{ path: string; installed: string | null }>;
