import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from './buildApp.js';
import { serveStatic } from 'holdfast/build';

/**
 * `npm run demo`: the whole workspace with no server — built for static hosting (VITE_DEMO_ONLY=1: the app
 * starts in its demo, with the in-browser backend) into dist-demo/, then served by a plain static file
 * server on PORT (default 8080). Copy dist-demo/ to any static host to show it there.
 */
const outDir = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'dist-demo');
const port = Number(process.env.PORT ?? 8080);
console.log('Building the demo (no server: the backend runs in the browser)…');
await buildApp(outDir, { VITE_DEMO_ONLY: '1' });
await serveStatic(outDir, port, process.env.HOST ?? '127.0.0.1');
console.log(`The demo: http://localhost:${port} (static files from dist-demo/, nothing else). Ctrl+C to stop.`);
