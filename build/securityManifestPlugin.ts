import type { Plugin } from 'vite';

/**
 * Writes dist/security.json: what the server's Content-Security-Policy must allow besides its own origin
 * (the CDN hosts this build names, and the API's other regions). Read by server/http/appShell.ts, so the
 * policy follows the build.
 */
export function securityManifestPlugin(cdnHosts: readonly string[], apiOrigins: readonly string[] = []): Plugin {
  return {
    name: 'holdfast-security-manifest',
    apply: 'build',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'security.json', source: JSON.stringify({ cdnHosts, apiOrigins }, null, 2) });
    },
  };
}
