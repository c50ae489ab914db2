#!/usr/bin/env python3
"""The paper's method on CUDA, for bench/gpu.sh: bench/torch_lie.py's model, sampler and
lie_derivative unchanged, with CUDA the default device (torch >= 2.0: torch.set_default_device) so
every tensor they create lives there, the model and the batch moved to CUDA, and
torch.cuda.synchronize() around each timed run. Seeded torch init and torch.rand images (the GPU
run times throughput; the same-weights check is the CPU benchmark's). Prints one JSON object:
{"torch", "device", "samples": {"forward", "paper1", "paper9"}: ms per image per rep, "peak_cuda_mib"}.
  python3 bench/torch_baseline_cuda.py --model resnet50 --batch 32 --reps 5
"""
import argparse, importlib.util, json, os, time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("torch_lie", os.path.join(HERE, "torch_lie.py"))
tl = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tl)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="resnet50", choices=["smallcnn", "resnet18", "resnet50"])
    ap.add_argument("--batch", type=int, default=0)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--group", default="translate-x")
    ap.add_argument("--groups", default=",".join(tl.NINE))
    a = ap.parse_args()
    assert torch.cuda.is_available(), "CUDA is not available"
    torch.manual_seed(0)
    model, size, batch = (tl.SmallCNN(), 32, 64) if a.model == "smallcnn" else (tl.tf_padded_resnet(a.model), 224, 32)
    batch = a.batch or batch
    x = torch.rand(batch, 3, size, size, generator=torch.Generator().manual_seed(0)).cuda()
    model = model.cuda().eval()
    torch.set_default_device("cuda")  # lie_derivative's t, ones, zeros and grid on the GPU too
    f = lambda z: F.softmax(model(z), dim=-1)
    groups = [g for g in a.groups.split(",") if g]

    def timed(fn):
        fn(); torch.cuda.synchronize()
        ts = []
        for _ in range(a.reps):
            t0 = time.perf_counter(); fn(); torch.cuda.synchronize(); ts.append((time.perf_counter() - t0) / batch * 1000)
        return ts

    samples = {}
    with torch.no_grad():
        samples["forward"] = timed(lambda: f(x))
    samples["paper1"] = timed(lambda: tl.lie_derivative(f, x, a.group))
    samples["paper9"] = timed(lambda: [tl.lie_derivative(f, x, g) for g in groups])
    print(json.dumps({"model": a.model, "batch": batch, "torch": torch.__version__, "device": torch.cuda.get_device_name(0),
                      "samples": samples, "peak_cuda_mib": torch.cuda.max_memory_allocated() / 2**20}))


if __name__ == "__main__":
    main()
