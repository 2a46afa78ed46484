import type { Server } from 'node:http';
export function serveSubpath(options: {
  dir: string;
  port: number;
  base: string;
  requests?: string[];
}): Promise<Server>;
