#!/usr/bin/env bash
# The GPU benchmark, one prepared script for the lent GPU machine (no Node, no internet there).
# Here, first:   npm run build && bash bench/gpu-pack.sh        (fills the git-ignored .gpu/)
# Then through the device tool, from the repository root, with carry: [".gpu"]:
#   bash bench/gpu.sh                 → $OUT/gpu.log, $OUT/check.json, $OUT/gpu-results.md
# Steps: unpack Node, the pruned node_modules and dist/; unpack Debian's libvulkan1 if the machine
# has no Vulkan loader; point VK_DRIVER_FILES at the NVIDIA ICD; (1) webgpu vs cpu JVP on the
# SmallCNN ≤ 1e-5 relative; (2) our lee (webgpu, all nine spatial groups) against the paper's
# method on CUDA (bench/torch_baseline_cuda.py), SmallCNN batch 64 and ResNet-50 batch 32.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-/tmp/liederiv-gpu-out}"
mkdir -p "$OUT"
exec > >(tee -a "$OUT/gpu.log") 2>&1
step() { echo "== gpu.sh: $* ($(date +%T))"; }

step "unpack"
[ -d .gpu ] || { echo "no .gpu/ here: run bench/gpu-pack.sh and carry .gpu" >&2; exit 2; }
tools=/tmp/liederiv-node && mkdir -p "$tools"
tar -C "$tools" -xJf .gpu/node.tar.xz && NODE="$tools/node"
tar -xJf .gpu/node_modules.tar.xz && tar -xJf .gpu/dist.tar.xz
"$NODE" --version || exit 2
export LIEDERIV_PYTHON="${PYTHON:-python3}"

step "vulkan"
if ! ldconfig -p | grep -q 'libvulkan.so.1'; then
  for f in .gpu/libvulkan1_*.deb; do [ -f "$f" ] && dpkg -x "$f" /; done
  ldconfig
fi
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$icd" ] || icd="$(find / -name nvidia_icd.json -not -path '/proc/*' 2>/dev/null | head -n 1)"
[ -n "$icd" ] && export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"
echo "ICD: ${icd:-none found}"; nvidia-smi -L || true
"$LIEDERIV_PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'

step "check: webgpu vs cpu JVP (SmallCNN, 4 groups stacked) <= 1e-5 relative"
"$NODE" dist/bench/gpuCheck.js webgpu | tee "$OUT/check.json"
check=${PIPESTATUS[0]}

step "timing: ours (webgpu) vs PyTorch (CUDA), all nine spatial groups"
"$NODE" dist/bench/gpuRun.js --reps "${REPS:-5}" --models "${MODELS:-smallcnn,resnet50}" > "$OUT/gpu-results.md"
timing=$?
cat "$OUT/gpu-results.md"
step "done (check exit $check, timing exit $timing)"
[ "$check" = 0 ] && [ "$timing" = 0 ]
