#!/usr/bin/env bash
# Prepares .gpu/ (git-ignored through .git/info/exclude) for bench/gpu.sh on the lent GPU machine,
# which has no Node and no internet: the node binary, the node_modules files the GPU scripts load
# (found by loading them here, not guessed), the compiled dist/, and Debian's libvulkan1 .deb —
# as compressed tarballs within the device tool's 64 MiB limit. Run after `npm run build`:
#   bash bench/gpu-pack.sh            then carry ".gpu" (device tool: carry: [".gpu"])
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/bench/gpuCheck.js ] || { echo "gpu-pack: dist/ is missing: run npm run build first" >&2; exit 1; }
mkdir -p .gpu
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
rm -f .gpu/*.tar.xz .gpu/files.txt

# 1. Node: the running binary (self-contained apart from glibc/libstdc++, which the machine has).
node_bin="$(readlink -f "$(command -v node)")"
tar -C "$(dirname "$node_bin")" -cJf .gpu/node.tar.xz "$(basename "$node_bin")"

# 2. node_modules, pruned to what the GPU scripts require (the require cache after loading them),
#    plus each package's package.json, the wasm binaries, and Dawn's linux-x64 addon.
node -e '
  const path = require("path");
  require("./dist/bench/gpuCheck.js"); require("./dist/bench/ours.js");
  require("webgpu"); require("@tensorflow/tfjs-backend-webgpu"); require("@tensorflow/tfjs-backend-wasm");
  const root = path.resolve("node_modules") + path.sep;
  const files = new Set();
  for (const f of Object.keys(require.cache)) {
    if (!f.startsWith(root)) continue;
    files.add(path.relative(".", f));
    // every package.json from the file up to node_modules (resolution reads them)
    let d = path.dirname(f);
    while (d.startsWith(root)) { const pj = path.join(d, "package.json"); if (require("fs").existsSync(pj)) files.add(path.relative(".", pj)); d = path.dirname(d); }
  }
  console.log([...files].sort().join("\n"));
' > .gpu/files.txt
ls node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm >> .gpu/files.txt
find node_modules/webgpu/dist/linux-x64 -type f >> .gpu/files.txt
tar -cJf .gpu/node_modules.tar.xz -T .gpu/files.txt

# 3. The compiled project (src, bench; tests are not needed there).
tar -cJf .gpu/dist.tar.xz dist/src dist/bench

# 4. (The PyTorch baselines are bench/torch_lie.py and bench/torch_baseline_cuda.py: they travel with the working tree.)

# 5. Debian's Vulkan loader (the machine has the NVIDIA driver and its ICD, not always the loader).
if ! ls .gpu/libvulkan1_*.deb >/dev/null 2>&1; then
  (cd .gpu && apt-get download libvulkan1 >/dev/null 2>&1) || echo "gpu-pack: apt-get download libvulkan1 failed; gpu.sh will try the machine's own loader" >&2
fi

du -ch .gpu/*.tar.xz .gpu/*.deb 2>/dev/null | tail -n 1 | sed 's/^/gpu-pack: total /'
ls -l .gpu
