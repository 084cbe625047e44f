import { fileURLToPath } from 'node:url'
import preact from '@preact/preset-vite'
import { defineConfig } from 'vite'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// The console is built from this tree: the client from its source (not node_modules/@seqline/client,
// which may point at another checkout), and core's export verifier with a browser stand-in for the
// one node:crypto call it makes (sha256).
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [preact()],
  resolve: {
    alias: [
      { find: /^@seqline\/client$/, replacement: here('../client/src/index.ts') },
      { find: /^@seqline\/client\/admin$/, replacement: here('../client/src/admin.ts') },
      { find: /^node:crypto$/, replacement: here('src/audit/sha256.ts') },
    ],
  },
  build: {
    outDir: here('../dist/console'),
    emptyOutDir: true,
    // No inline script anywhere, so a strict Content-Security-Policy (script-src 'self') holds.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1024,
  },
})
