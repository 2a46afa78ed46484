export const FIXTURES_DIR: string;
export function generateFixtures(outDir?: string): Promise<string[]>;
