#!/usr/bin/python3
"""
Regenerates test/fixtures/reference/: the paper-method reference numbers for the small CNN that
the tests compare the TypeScript engine against (docs/DESIGN.md §2–4).

    /usr/bin/python3 scripts/reference/make_reference.py            # writes test/fixtures/reference/
    /usr/bin/python3 scripts/reference/make_reference.py --out DIR  # elsewhere (e.g. to diff)

Needs Debian's python3-torch (CPU) and numpy only; runs in a few seconds, deterministic for a
given torch build (the one-sided-difference pattern of the paper's sampler depends on the build's
float32 linspace round-off at other sizes, but not at W = 32: docs/DESIGN.md §3).

What it computes (names as in the fixture manifest, smallcnn.json):
  * SmallCNN: conv(3→32)+ReLU, maxpool 2, conv(32→64)+ReLU, maxpool 2, conv(64→64)+ReLU, global
    average pool, dense(64→10) logits. PyTorch default init after torch.manual_seed(0), eval().
    Weights are stored in TF layouts (conv OIHW → HWIO by permutation [2,3,1,0], dense (out,in) →
    (in,out) by [1,0]; biases unchanged); PyTorch's conv is a cross-correlation like TF's.
  * x = torch.rand(8,3,32,32, Generator().manual_seed(0)) in [0,1); v = torch.randn(8,3,32,32,
    Generator().manual_seed(1)) a JVP direction. Both stored NHWC (x.permute(0,2,3,1)).
  * f = softmax(model(x), -1). logits, probs; jvp_probs_v = J_f(x)·v by torch.autograd.forward_ad
    (float32, and float64 with model.double()), cross-checked against the paper's double-backward
    jvp and torch.autograd.functional.jvp.
  * lee_{trans_x,rot,shear_x}: the paper's translation_lie_deriv(f, x, "x"), rotation_lie_deriv,
    shear_lie_deriv(f, x, "x") (paper_lie_derivs.py, vendored verbatim); metric_* = |lee|.mean(-1)
    as the paper's e2e_lee.py reports. *_float64model: the same with model.double(), x.double().
  * dimg_*_ref_nhwc: d/dt T_t x at t = 0 through the paper's sampler (its double-backward jvp on
    the transform alone). dimg_*_central_nhwc: our central-difference tangent (reflection at the
    borders, float64), and lee_*_centraldiff = J_f(x)·dimg_central in float64 — NOT the paper's
    numbers, the ones an implementation with central differences must reproduce.
"""
import argparse
import datetime
import json
import os
import platform
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.autograd.forward_ad as fwAD

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import paper_lie_derivs as paper  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
N, H, W = 8, 32, 32


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.conv3 = nn.Conv2d(64, 64, 3, padding=1)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.conv3(x))
        return self.fc(x.mean(dim=(2, 3)))


def probs_of(model):
    return lambda inp: F.softmax(model(inp), dim=-1)


def fwd_jvp(f, x, v):
    """J_f(x)·v by forward-mode autodiff (dual numbers)."""
    with fwAD.dual_level():
        out = f(fwAD.make_dual(x, v))
        return fwAD.unpack_dual(out).tangent.detach()


def reflect(k, n):
    """The paper's border rule: index reflected once about the border pixel centres."""
    return (n - 1) - np.abs((n - 1) - np.abs(k))


def central_tangent(x, key):
    """L x with central differences (reflection ⇒ 0 at the borders), float64, NCHW."""
    x = x.double().numpy()
    cols, rows = np.arange(W), np.arange(H)
    d_col = (x[..., reflect(cols + 1, W)] - x[..., reflect(cols - 1, W)]) / 2 * (W - 1) / 2  # ∂_u
    d_row = (x[..., reflect(rows + 1, H), :] - x[..., reflect(rows - 1, H), :]) / 2 * (H - 1) / 2  # ∂_v
    u = (-1 + 2 * cols / (W - 1))[None, None, None, :]
    v = (-1 + 2 * rows / (H - 1))[None, None, :, None]
    field = {'trans_x': (1.0, 0.0), 'rot': (v, -u), 'shear_x': (v, 0.0)}[key]  # X(u, v), DESIGN §2
    return torch.from_numpy(field[0] * d_col + field[1] * d_row)


def rel(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.abs(a - b).max() / (np.abs(b).max() or 1))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default=os.path.join(ROOT, 'test', 'fixtures', 'reference'))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)  # deterministic summation order

    torch.manual_seed(0)
    model = SmallCNN().eval()
    model64 = SmallCNN().eval()
    model64.load_state_dict(model.state_dict())
    model64 = model64.double()
    x = torch.rand(N, 3, H, W, generator=torch.Generator().manual_seed(0))
    v = torch.randn(N, 3, H, W, generator=torch.Generator().manual_seed(1))
    f, f64 = probs_of(model), probs_of(model64)

    tensors = {'smallcnn_inputs': {}, 'smallcnn_outputs': {}, 'smallcnn_image_tangents': {}}
    checks = {}
    nhwc = lambda t: t.detach().permute(0, 2, 3, 1).contiguous()

    def put(group, name, t, layout, note=None, dtype='float32'):
        e = {'shape': list(t.shape), 'layout': layout, 'dtype': dtype, 'array': t.detach().numpy()}
        if note:
            e['note'] = note
        tensors[group][name] = e

    put('smallcnn_inputs', 'x_nhwc', nhwc(x), 'NHWC', 'torch.rand(8,3,32,32, generator=torch.Generator().manual_seed(0)).permute(0,2,3,1)')
    put('smallcnn_inputs', 'v_nhwc', nhwc(v), 'NHWC', 'torch.randn(8,3,32,32, generator=torch.Generator().manual_seed(1)).permute(0,2,3,1)')

    with torch.no_grad():
        logits = model(x)
        probs = F.softmax(logits, -1)
        probs64 = f64(x.double())
    put('smallcnn_outputs', 'logits', logits, 'N,classes')
    put('smallcnn_outputs', 'probs', probs, 'N,classes', 'softmax(logits, dim=-1)')
    checks['probs: float32 vs float64 (max abs)'] = float((probs.double() - probs64).abs().max())

    jv = fwd_jvp(f, x, v)
    jv64 = fwd_jvp(f64, x.double(), v.double())
    xg = x.clone().requires_grad_(True)
    jv_paper = paper.jvp(f, xg, v).detach()
    jv_functional = torch.autograd.functional.jvp(f, x, v)[1]
    put('smallcnn_outputs', 'jvp_probs_v', jv, 'N,classes', 'J_f(x)·v, f = softmax probs, torch.autograd.forward_ad, float32')
    put('smallcnn_outputs', 'jvp_probs_v_float64', jv64, 'N,classes', 'same in float64 (model.double(), x.double(), v.double())', 'float64')
    checks['jvp: forward_ad vs the paper\'s double-backward jvp (max abs)'] = float((jv - jv_paper).abs().max())
    checks['jvp: forward_ad vs torch.autograd.functional.jvp (max abs)'] = float((jv - jv_functional).abs().max())
    checks['jvp: float32 vs float64 forward_ad (rel)'] = rel(jv, jv64)

    transforms = {
        'trans_x': (lambda g, inp: paper.translation_lie_deriv(g, inp, axis='x'), lambda inp, t: paper.translate(inp, t, 'x')),
        'rot': (paper.rotation_lie_deriv, paper.rotate),
        'shear_x': (lambda g, inp: paper.shear_lie_deriv(g, inp, axis='x'), lambda inp, t: paper.shear(inp, t, 'x')),
    }
    for key, (lie, transform) in transforms.items():
        lee = lie(f, x).detach()
        lee64 = lie(f64, x.double()).detach()
        t0 = torch.zeros(1, requires_grad=True)
        dimg_ref = paper.jvp(lambda t: transform(x, t), t0, torch.ones_like(t0)).detach()
        dimg_c = central_tangent(x, key)
        lee_c = fwd_jvp(f64, x.double(), dimg_c)
        put('smallcnn_outputs', f'lee_{key}', lee, 'N,classes', f'the paper\'s {key} Lie derivative of softmax probs, float32 (as the paper\'s code runs)')
        put('smallcnn_outputs', f'lee_{key}_float64model', lee64, 'N,classes', 'the paper\'s function with model.double() and x.double() (its affine grid stays float32)', 'float64')
        put('smallcnn_outputs', f'metric_{key}', lee.abs().mean(-1), 'N', 'e2e_lee.py summary: |lee|.mean over classes, per image')
        put('smallcnn_outputs', f'lee_{key}_centraldiff', lee_c.float(), 'N,classes', 'NOT the paper: J_f(x)·(central-difference image tangent), float64 then rounded')
        put('smallcnn_outputs', f'metric_{key}_centraldiff', lee_c.abs().mean(-1).float(), 'N')
        put('smallcnn_image_tangents', f'dimg_{key}_ref_nhwc', nhwc(dimg_ref), 'NHWC', f'd/dt of the paper\'s {key}(x, t) at t = 0 (its double-backward jvp through its sampler)')
        put('smallcnn_image_tangents', f'dimg_{key}_central_nhwc', nhwc(dimg_c.float()), 'NHWC', 'central-difference tangent, reflection at the borders, float64 then rounded (not the paper)')
        checks[f'{key}: paper LEE float32 vs float64 model (rel)'] = rel(lee, lee64)
        checks[f'{key}: paper LEE vs forward_ad J_f(x)·dimg_ref (rel)'] = rel(lee, fwd_jvp(f, x, dimg_ref))
        checks[f'{key}: paper LEE vs central-difference LEE (rel)'] = rel(lee, lee_c)
        h = 1e-5
        with torch.no_grad():
            th = torch.full((1,), h)
            sym = (f64(transform(x.double(), th)) - f64(transform(x.double(), -th))) / (2 * h)
        checks[f'{key}: central-difference LEE vs symmetric FD in t through the paper\'s transform, h=1e-5 (rel)'] = rel(lee_c, sym)
        checks[f'{key}: paper metric / central-difference metric'] = float(lee.abs().mean() / lee_c.abs().mean())

    # Compact storage: the large tensors as little-endian float32 .bin files, the (8,10) outputs inline.
    manifest = {
        '_meta': {
            'generator': 'scripts/reference/make_reference.py',
            'paper_code': 'ngruver/lie-deriv@ed96788a lee/transforms.py, lee/lie_derivs.py (scripts/reference/paper_lie_derivs.py)',
            'torch': torch.__version__, 'numpy': np.__version__, 'python': platform.python_version(),
            'date': datetime.date.today().isoformat(),
            'encoding': 'tensor = {shape, layout, dtype, note?} plus either data (inline, shortest float32 decimals; '
                        'float64 as repr) or bin + offset (float32 elements into a little-endian float32 file), row-major',
        },
        'checks': checks,
    }
    bins = {'smallcnn_inputs': 'inputs.f32', 'smallcnn_image_tangents': 'image_tangents.f32'}
    for group, entries in tensors.items():
        out = {}
        if group in bins:
            chunks, offset = [], 0
            for name, e in entries.items():
                a = np.ascontiguousarray(e.pop('array'), dtype='<f4').ravel()
                out[name] = {**e, 'bin': bins[group], 'offset': offset}
                chunks.append(a)
                offset += a.size
            np.concatenate(chunks).tofile(os.path.join(args.out, bins[group]))
        else:
            for name, e in entries.items():
                a = e.pop('array')
                conv = (lambda z: float(repr(np.float32(z)))) if e['dtype'] == 'float32' else float
                out[name] = {**e, 'data': [conv(z) for z in a.ravel()]}
        manifest[group] = out

    layers, chunks, offset = [], [], 0
    for name, p in model.state_dict().items():
        mod, kind = name.split('.')
        t = p.detach()
        perm = [2, 3, 1, 0] if t.dim() == 4 else [1, 0] if t.dim() == 2 else [0]
        tf_t = t.permute(*perm).contiguous() if t.dim() > 1 else t
        a = tf_t.numpy().astype('<f4').ravel()
        layers.append({'torch_name': name, 'tf_name': f'{mod}/{"kernel" if kind == "weight" else "bias"}',
                       'torch_shape': list(t.shape), 'tf_shape': list(tf_t.shape), 'permutation_torch_to_tf': perm,
                       'bin': 'weights.f32', 'offset': offset})
        chunks.append(a)
        offset += a.size
    np.concatenate(chunks).tofile(os.path.join(args.out, 'weights.f32'))
    manifest['smallcnn_weights'] = {'init': 'PyTorch default init after torch.manual_seed(0); eval()',
                                    'parameters': offset, 'layers': layers}

    with open(os.path.join(args.out, 'smallcnn.json'), 'w') as fh:
        json.dump(manifest, fh, indent=1)
        fh.write('\n')
    for k, val in checks.items():
        print(f'{k}: {val:.3g}')
    print(f'wrote {args.out} ({offset} parameters)')


if __name__ == '__main__':
    main()
