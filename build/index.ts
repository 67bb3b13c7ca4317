// holdfast/build: what an app's build uses: its worker's build config, the Vite plugins that list, check and
// precache its assets and load them through the CDN cascade, prerender its first screen and compress its
// files, the build settings read from the environment, and small tools for build scripts (run Node,
// compress a built folder, serve one).
export { assetContentTypes, assetManifestFile, assetManifestPlugin } from './assetManifestPlugin.js';
export { apiOriginsFromEnv, cdnCoolDownMsFromEnv, cdnHostsFromEnv } from './cdnHosts.js';
export { fallbackLoaderPlugin, type FallbackLoaderOptions } from './fallbackLoaderPlugin.js';
export { precacheManifestPlugin, type PrecacheManifestOptions } from './precacheManifestPlugin.js';
export { precompressDir, precompressPlugin } from './precompress.js';
export { serviceWorkerConfig, type ServiceWorkerConfigOptions } from './serviceWorkerConfig.js';
export { prerenderPlugin, type PrerenderOptions } from './prerenderPlugin.js';
export { securityManifestPlugin } from './securityManifestPlugin.js';
export { runNode } from './runNode.js';
export { serveStatic } from './staticServer.js';
