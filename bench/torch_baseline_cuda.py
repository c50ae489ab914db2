#!/usr/bin/env python3
"""The PyTorch baseline (../shared/bench/torch_baseline.py) on CUDA, for bench/gpu.sh.

torch_baseline.py runs on the CPU as written (nothing is moved to a GPU). This thin wrapper
imports its model, sampler and lie_derivative unchanged, makes CUDA the default device
(torch >= 2.0: torch.set_default_device) so every tensor they create lives there, moves the model
and the batch to CUDA, and times with torch.cuda.synchronize() around each run. Same JSON as
torch_baseline.py, plus "device".
  python3 bench/torch_baseline_cuda.py --model resnet50 --batch 32 --groups translate-x,...
"""
import argparse, importlib.util, json, os, statistics, sys, time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
BASELINE = os.environ.get("LIEDERIV_TORCH_BASELINE", os.path.join(HERE, "..", "..", "shared", "bench", "torch_baseline.py"))
spec = importlib.util.spec_from_file_location("torch_baseline", BASELINE)
tb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tb)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="resnet50", choices=["smallcnn", "resnet18", "resnet50", "mobilenet_v2"])
    ap.add_argument("--batch", type=int, default=0)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--groups", default=",".join(tb.GROUPS))
    a = ap.parse_args()
    assert torch.cuda.is_available(), "CUDA is not available"
    torch.manual_seed(0)
    if a.model == "smallcnn":
        model, size, batch = tb.SmallCNN(), 32, 64
    else:
        import torchvision
        model, size, batch = getattr(torchvision.models, a.model)(), 224, 32
    batch = a.batch or batch
    x = torch.rand(batch, 3, size, size, generator=torch.Generator().manual_seed(0)).cuda()
    model = model.cuda().eval()
    torch.set_default_device("cuda")  # lie_derivative's t, ones, zeros and grid on the GPU too
    f = lambda z: F.softmax(model(z), dim=-1)

    def timed(fn):
        fn(); torch.cuda.synchronize()
        ts = []
        for _ in range(a.reps):
            t0 = time.perf_counter(); fn(); torch.cuda.synchronize(); ts.append(time.perf_counter() - t0)
        return statistics.median(ts) / batch * 1000

    with torch.no_grad():
        out = {"model": a.model, "batch": batch, "size": size, "torch": torch.__version__, "device": torch.cuda.get_device_name(0),
               "forward_ms_per_image": timed(lambda: f(x))}
    groups = [g for g in a.groups.split(",") if g]
    out["lie_ms_per_image"] = {g: timed(lambda g=g: tb.lie_derivative(f, x, g)) for g in groups}
    out["all_groups_ms_per_image"] = sum(out["lie_ms_per_image"].values())
    out["peak_cuda_mib"] = torch.cuda.max_memory_allocated() / 2**20
    print(json.dumps(out))


if __name__ == "__main__":
    main()
