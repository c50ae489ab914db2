/**
 * The browser's stand-in for Node built-ins the numerical core never needs in the page (os, zlib,
 * vm, child_process, perf_hooks, worker_threads, url, util, crypto, ...): the bundler maps them here
 * (src/explorer/bundle.ts). Any call throws a message naming it, instead of a bundle that fails to
 * build or a silent wrong result. A CommonJS module (module.exports), so any named import resolves.
 */
(() => {
  const handler: ProxyHandler<Record<string, unknown>> = {
    get(_t, prop) {
      if (prop === '__esModule') return false;
      if (prop === 'default') return proxy;
      if (typeof prop === 'symbol') return undefined;
      return () => {
        throw new Error(`'${String(prop)}' of a Node built-in module is not available in the browser explorer`);
      };
    },
  };
  const proxy: Record<string, unknown> = new Proxy({}, handler);
  module.exports = proxy;
})();
