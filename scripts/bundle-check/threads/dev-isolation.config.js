// For the Vite dev server only (`vite --config dev-isolation.config.js`): the two headers that
// make the page cross-origin isolated, which a shared WebAssembly.Memory needs.
export default {
  server: {
    headers: {
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
    },
  },
};
