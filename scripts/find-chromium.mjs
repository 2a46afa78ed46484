// Finds a Chromium for the end-to-end tests, installing one when the machine has none, and the
// CJK font the Chinese screenshots need.
import { provisionChromium, provisionCjkFont } from './lib/chromium.mjs';

const { path, installed } = await provisionChromium();
console.log(installed ? `Installed ${installed}: ${path}` : `Using Chromium at ${path}`);
console.log(`CJK font: ${provisionCjkFont()}`);
