import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The bare baseline page, built like the app (Vite, React plugin, production). */
const here = new URL('.', import.meta.url).pathname;
export default defineConfig({ root: here, plugins: [react()], build: { outDir: process.env.BARE_OUT_DIR!, emptyOutDir: true } });
