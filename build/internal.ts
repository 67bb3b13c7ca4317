// holdfast/internal/build: build-time parts tests reach one by one. Not a stable API.
export { routeDynamicImports } from './fallbackLoader/routeDynamicImports.js';
