/**
 * The Cache Storage cache of content-hashed build assets, keyed by path whichever host served them. Public
 * code, not agent data: it survives sign-out, like the precached shell.
 */
export const assetCacheName = 'holdfast-assets';
