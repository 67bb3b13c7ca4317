import { preparePgliteTemplate } from '../support/pgliteTemplate.js';

/** The seeded PGlite template, made once before the unit files that copy it start side by side. */
export default async function setup() {
  await preparePgliteTemplate();
}
