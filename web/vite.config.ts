import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The web app lives in web/ and builds to web/dist, which the Fastify server serves with an SPA
// fallback. In development `npx vite --config web/vite.config.ts` proxies the API to the server.
const root = decodeURIComponent(new URL('.', import.meta.url).pathname);

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 800,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
});
