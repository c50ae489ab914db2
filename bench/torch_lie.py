#!/usr/bin/env python3
"""PyTorch baselines for `npm run bench` (issue 16): the Lie derivative of a model's softmax
probabilities, three ways a PyTorch user would compute it, on the same images and weights as
liederiv's side (exported by bench/ours.ts into --data DIR).

Routes (each timed on its own; ms per image, one sample per timed repetition):
  paper1 / paper9   the paper's method (Gruver et al. 2022, their code's approach): resample the
                    batch with an affine grid (align_corners=True) and a gather-based bilinear
                    sampler with reflection whose floor() carries no gradient, run the model, and
                    take d/dt at t=0 as a JVP built from two backward passes (double backward).
                    paper9 = the nine groups one after the other (that is the paper's cost).
  fwdad1 / fwdad9   torch.autograd.forward_ad (dual numbers) with the exact image tangent of the
                    paper's sampler at t=0 (the forward difference with the reflected neighbour at
                    the last row/column: liederiv's difference 'forward'); fwdad9 stacks the nine
                    groups on the batch axis (forward_ad needs same-shape duals: primal repeated).
  vmap9             functorch.vmap(jvp) over the nine tangents, sharing one primal.
  forward           the model alone (no_grad), for scale.

Needs Debian's torch 1.13 (/usr/bin/python3; the pyenv python3 first on PATH has none):
  /usr/bin/python3 bench/torch_lie.py --model smallcnn --data DIR --threads 2 --reps 5
  /usr/bin/python3 bench/torch_lie.py --model resnet18 --threads 2 --routes forward,paper1   # seeded init, no DIR
Prints one JSON object: {"torch", "threads", "samples": {route: [ms per image, ...]}, "peak_rss_mib":
{route: this process's peak RSS once that route has run (monotonic: routes run in --routes order)}, "check": {...}}.
With --data, "check" compares with liederiv's exported values: forward probabilities, the image
tangents, and the Lie derivative of translate-x (max abs difference; same model, same maths).

The models: SmallCNN as liederiv's bench/models.ts builds it; torchvision's resnet18/resnet50
with TF 'same' padding (asymmetric: the extra row/column after) wherever TF's and PyTorch's
padding differ (stride-2 convolutions with kernel > 1, the stem max-pool), and BatchNorm eps 1e-3
(Keras' default), so the outputs match liederiv's tfjs models given the same weights.
"""
import argparse, gc, json, math, os, resource, statistics, time
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.autograd.forward_ad as fwAD

NINE = ["translate-x", "translate-y", "rotate", "shear-x", "shear-y", "stretch-x", "stretch-y", "scale", "hyperbolic-rotate"]

GROUPS = {  # theta(t) as a 2x3 matrix; the paper's matrices (stretch/scale in exp form)
    "translate-x": lambda t, o, z: [[o, z, t], [z, o, z]],
    "translate-y": lambda t, o, z: [[o, z, z], [z, o, t]],
    "rotate": lambda t, o, z: [[torch.cos(t), torch.sin(t), z], [-torch.sin(t), torch.cos(t), z]],
    "shear-x": lambda t, o, z: [[o, t, z], [z, o, z]],
    "shear-y": lambda t, o, z: [[o, z, z], [t, o, z]],
    "stretch-x": lambda t, o, z: [[torch.exp(t), z, z], [z, o, z]],
    "stretch-y": lambda t, o, z: [[o, z, z], [z, torch.exp(t), z]],
    "scale": lambda t, o, z: [[torch.exp(-t), z, z], [z, torch.exp(-t), z]],
    "hyperbolic-rotate": lambda t, o, z: [[torch.cosh(t), torch.sinh(t), z], [torch.sinh(t), torch.cosh(t), z]],
}


# ---------------------------------------------------------------- the paper's method (double backward)
def sample(img, theta):
    """Bilinear resampling at theta·(u,v,1), reflection about border pixel centres."""
    n, c, h, w = img.shape
    grid = F.affine_grid(theta.expand(n, 2, 3), (n, c, h, w), align_corners=True)
    ix = (grid[..., 0] + 1) / 2 * (w - 1)
    iy = (grid[..., 1] + 1) / 2 * (h - 1)
    with torch.no_grad():
        x0, y0 = torch.floor(ix), torch.floor(iy)
    wx, wy = ix - x0, iy - y0
    flat = img.reshape(n, c, h * w)

    def at(xx, yy):
        with torch.no_grad():
            xx = (w - 1) - ((w - 1) - xx.abs()).abs()
            yy = (h - 1) - ((h - 1) - yy.abs()).abs()
            idx = (yy * w + xx).long().view(n, 1, -1).expand(n, c, -1)
        return torch.gather(flat, 2, idx).view(n, c, h, w)

    return ((1 - wx) * (1 - wy)).unsqueeze(1) * at(x0, y0) + (wx * (1 - wy)).unsqueeze(1) * at(x0 + 1, y0) \
        + ((1 - wx) * wy).unsqueeze(1) * at(x0, y0 + 1) + (wx * wy).unsqueeze(1) * at(x0 + 1, y0 + 1)


def lie_derivative(f, x, group):
    """d/dt f(T_t x) at t = 0 by double backward (the JVP from two VJPs), [N, classes]."""
    t = torch.zeros(1, requires_grad=True)
    o, z = torch.ones(()), torch.zeros(())
    theta = torch.stack([torch.stack([torch.as_tensor(e).reshape(()) for e in row]) for row in GROUPS[group](t[0], o, z)]).unsqueeze(0)
    y = f(sample(x, theta))
    u = torch.ones_like(y, requires_grad=True)
    (vj,) = torch.autograd.grad(y, [t], [u], create_graph=True)
    (ju,) = torch.autograd.grad(vj, [u], [torch.ones_like(vj)])
    return ju


# ---------------------------------------------------------------- exact image tangents (forward mode)
def generator_rows(group):
    """The 2×3 affine generator d theta/dt at t = 0 of the paper's matrices (field X = G·(u, v, 1))."""
    def theta(t):
        o, z = torch.ones(()), torch.zeros(())
        return torch.stack([torch.stack([torch.as_tensor(e).reshape(()) * 1.0 for e in row]) for row in GROUPS[group](t, o, z)])
    return torch.autograd.functional.jacobian(theta, torch.zeros(())).tolist()


def forward_difference(x, dim):
    """x[j+1] − x[j], and x[n−2] − x[n−1] at the last index (the reflected neighbour)."""
    n = x.shape[dim]
    nxt = torch.cat([x.narrow(dim, 1, n - 1), x.narrow(dim, n - 2, 1)], dim)
    return nxt - x


def tangents(x, groups, generators):
    """[len(groups), N, C, H, W]: L x = X_u ∂_u x + X_v ∂_v x, normalized align_corners coordinates."""
    n, c, h, w = x.shape
    du = forward_difference(x, 3) * ((w - 1) / 2)
    dv = forward_difference(x, 2) * ((h - 1) / 2)
    u = torch.linspace(-1, 1, w).view(1, 1, 1, w)
    v = torch.linspace(-1, 1, h).view(1, 1, h, 1)
    out = []
    for g in groups:
        (a, b, cc), (d, e, ff) = generators[g]
        out.append((a * u + b * v + cc) * du + (d * u + e * v + ff) * dv)
    return torch.stack(out)


# ---------------------------------------------------------------- models
class SmallCNN(nn.Module):
    """liederiv's bench SmallCNN: conv3×3(32)-relu-pool2, conv3×3(64)-relu-pool2, conv3×3(64)-relu, GAP, dense 10."""

    def __init__(self):
        super().__init__()
        self.c1, self.c2, self.c3 = nn.Conv2d(3, 32, 3, padding=1), nn.Conv2d(32, 64, 3, padding=1), nn.Conv2d(64, 64, 3, padding=1)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.fc(F.relu(self.c3(x)).mean((2, 3)))


class TFSame(nn.Module):
    """TF 'same' padding (total max((ceil(n/s) − 1)·s + k − n, 0), the extra one after) around an unpadded op."""

    def __init__(self, op, k, s, value=0.0):
        super().__init__()
        self.op, self.k, self.s, self.value = op, k, s, value

    def forward(self, x):
        h, w = x.shape[-2:]
        ph = max((math.ceil(h / self.s) - 1) * self.s + self.k - h, 0)
        pw = max((math.ceil(w / self.s) - 1) * self.s + self.k - w, 0)
        return self.op(F.pad(x, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2), value=self.value))


def tf_padded_resnet(name):
    import torchvision
    model = getattr(torchvision.models, name)()
    for parent in list(model.modules()):
        for child_name, child in list(parent.named_children()):
            if isinstance(child, nn.Conv2d) and child.stride[0] == 2 and child.kernel_size[0] > 1:
                child.padding = (0, 0)
                setattr(parent, child_name, TFSame(child, child.kernel_size[0], 2))
            elif isinstance(child, nn.MaxPool2d):
                setattr(parent, child_name, TFSame(nn.MaxPool2d(child.kernel_size, child.stride), child.kernel_size, child.stride, -math.inf))
            elif isinstance(child, nn.BatchNorm2d):
                child.eps = 1e-3
    return model


def load_weights(model, kind, layers, blob):
    """Copies liederiv's exported weights (per layer, getWeights() order, channels-last) into `model`."""
    def arr(entry):
        return torch.frombuffer(bytearray(blob[entry["offset"]:entry["offset"] + 4 * entry["size"]]), dtype=torch.float32).reshape(entry["shape"])

    def conv(mod, ws):
        mod.weight.data.copy_(arr(ws[0]).permute(3, 2, 0, 1))
        if len(ws) > 1:
            mod.bias.data.copy_(arr(ws[1]))

    def dense(mod, ws):
        mod.weight.data.copy_(arr(ws[0]).t())
        mod.bias.data.copy_(arr(ws[1]))

    def bn(mod, ws):
        for p, e in zip([mod.weight, mod.bias, mod.running_mean, mod.running_var], ws):
            p.data.copy_(arr(e))

    by = {l["name"]: l["weights"] for l in layers if l["weights"]}
    if kind == "smallcnn":
        conv(model.c1, by["conv1"]); conv(model.c2, by["conv2"]); conv(model.c3, by["conv3"]); dense(model.fc, by["fc"])
        return len(by)
    inner = lambda m: m.op if isinstance(m, TFSame) else m
    conv(inner(model.conv1), by.pop("stem_conv")); bn(model.bn1, by.pop("stem_bn")); dense(model.fc, by.pop("logits"))
    for s in range(1, 5):
        for b, block in enumerate(getattr(model, f"layer{s}"), start=1):
            p = f"stage{s}_block{b}"
            conv(inner(block.conv1), by.pop(f"{p}_a_conv")); bn(block.bn1, by.pop(f"{p}_a_bn"))
            conv(inner(block.conv2), by.pop(f"{p}_b_conv")); bn(block.bn2, by.pop(f"{p}_b_bn"))
            if block.downsample is not None:
                conv(inner(block.downsample[0]), by.pop(f"{p}_proj_conv")); bn(block.downsample[1], by.pop(f"{p}_proj_bn"))
    if by:
        raise SystemExit(f"torch_lie.py: liederiv layers with weights not mapped: {sorted(by)}")
    return 0


def time_windows(fn, reps, batch, window_ms, max_warmup=5, stable_within=0.1):
    """bench/timing.ts's method, the same on both sides: warm up until two consecutive calls agree
    within 10% (at most 5 calls, or 2 windows after the first call); then `reps` samples, each ms per
    image over a window of back-to-back calls lasting >= window_ms (one call where a call is
    longer), the garbage collector run before each window and not inside it."""
    warm, warm_start = [], 0.0
    while len(warm) < max_warmup:
        t0 = time.perf_counter(); fn(); t1 = time.perf_counter()
        warm.append((t1 - t0) * 1000)
        if len(warm) == 1:
            warm_start = t1
            if warm[0] >= 2 * window_ms:
                break
        elif abs(warm[-1] - warm[-2]) <= stable_within * warm[-2] or (t1 - warm_start) * 1000 >= 2 * window_ms:
            break
    ts = []
    for _ in range(reps):
        gc.collect()
        t0 = time.perf_counter(); calls = 0
        while True:
            fn(); calls += 1
            t = time.perf_counter()
            if (t - t0) * 1000 >= window_ms:
                break
        ts.append((t - t0) * 1000 / (calls * batch))
    return ts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="smallcnn", choices=["smallcnn", "resnet18", "resnet50"])
    ap.add_argument("--data", help="folder with liederiv's manifest.json, images.bin, weights.bin (bench/ours.ts)")
    ap.add_argument("--batch", type=int, default=0, help="without --data: images (default 64 for smallcnn, else 8)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3, help="samples per route, each a timing window (--window-ms)")
    ap.add_argument("--window-ms", type=float, default=400, help="a sample is ms per image over back-to-back calls lasting at least this long (bench/timing.ts)")
    ap.add_argument("--routes", default="forward,paper1,paper9,fwdad1,fwdad9,vmap9")
    ap.add_argument("--group", default="translate-x", help="the one-group routes' group")
    ap.add_argument("--groups", default=",".join(NINE), help="the all-groups routes' groups")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = SmallCNN() if a.model == "smallcnn" else tf_padded_resnet(a.model)
    model.eval()
    check = {}
    if a.data:
        man = json.load(open(os.path.join(a.data, "manifest.json")))
        if man["model"] != a.model:
            raise SystemExit(f"torch_lie.py: --data holds model {man['model']}, not {a.model}")
        blob = open(os.path.join(a.data, "weights.bin"), "rb").read()
        load_weights(model, a.model, man["layers"], blob)
        n, h, w, c = man["images"]["shape"]
        raw = open(os.path.join(a.data, "images.bin"), "rb").read()
        x = torch.frombuffer(bytearray(raw), dtype=torch.float32).reshape(n, h, w, c).permute(0, 3, 1, 2).contiguous()
        generators = {g: man["generators"][g] for g in man["generators"]}
    else:
        size = 32 if a.model == "smallcnn" else 224
        x = torch.rand(a.batch or (64 if a.model == "smallcnn" else 8), 3, size, size, generator=torch.Generator().manual_seed(0))
        generators = {g: generator_rows(g) for g in NINE}
    batch = x.shape[0]
    f = lambda z: F.softmax(model(z), dim=-1)
    group, groups = a.group, [g for g in a.groups.split(",") if g]

    def fwdad(gs):
        with torch.no_grad(), fwAD.dual_level():
            ts = tangents(x, gs, generators)
            xs = x if len(gs) == 1 else x.repeat(len(gs), 1, 1, 1)
            out = f(fwAD.make_dual(xs, ts.reshape(-1, *x.shape[1:])))
            return fwAD.unpack_dual(out).tangent

    def vmap9():
        from functorch import jvp, vmap
        with torch.no_grad():
            ts = tangents(x, groups, generators)
            return vmap(lambda t: jvp(f, (x,), (t,))[1])(ts)

    routes = {
        "forward": lambda: f(x),
        "paper1": lambda: lie_derivative(f, x, group),
        "paper9": lambda: [lie_derivative(f, x, g) for g in groups],
        "fwdad1": lambda: fwdad([group]),
        "fwdad9": lambda: fwdad(groups),
        "vmap9": vmap9,
    }
    samples, peak_rss = {}, {}
    for r in [r for r in a.routes.split(",") if r]:
        fn = routes[r]
        ctx = torch.no_grad() if r == "forward" else torch.enable_grad()
        with ctx:
            samples[r] = time_windows(fn, a.reps, batch, a.window_ms)
        peak_rss[r] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB so far (monotonic)
    if a.data:
        m = man["check"]["n"]
        with torch.no_grad():
            probs = f(x[:m]).flatten()
            check["forward_max_abs_diff"] = float((probs - torch.tensor(man["check"]["probs"])).abs().max())
            ours_t = torch.tensor(man["check"]["tangent"]).reshape(m, h, w, c).permute(0, 3, 1, 2)
            check["tangent_max_abs_diff"] = float((tangents(x[:m], [man["check"]["group"]], generators)[0] - ours_t).abs().max())
            check["tangent_max_abs"] = float(ours_t.abs().max())
        lie_ours = torch.tensor(man["check"]["lie"])
        with torch.no_grad(), fwAD.dual_level():
            lie_fwd = fwAD.unpack_dual(f(fwAD.make_dual(x[:m], tangents(x[:m], [man["check"]["group"]], generators)[0]))).tangent.flatten()
        lie_paper = lie_derivative(f, x[:m], man["check"]["group"]).flatten().detach()
        check["lie_fwdad_max_abs_diff"] = float((lie_fwd - lie_ours).abs().max())
        check["lie_paper_max_abs_diff"] = float((lie_paper - lie_ours).abs().max())
        check["lie_max_abs"] = float(lie_ours.abs().max())
    print(json.dumps({"model": a.model, "batch": batch, "threads": a.threads, "torch": torch.__version__, "samples": samples, "peak_rss_mib": peak_rss, "check": check}))


if __name__ == "__main__":
    main()
