// Finds a Chromium for the end-to-end tests, installing one when the machine has none.
import { provisionChromium } from './lib/chromium.mjs';

const { path, installed } = await provisionChromium();
console.log(installed ? `Installed ${installed}: ${path}` : `Using Chromium at ${path}`);
