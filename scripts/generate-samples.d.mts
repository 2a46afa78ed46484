export function generateSamples(argv?: string[]): void;
