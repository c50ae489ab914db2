#!/usr/bin/python3
"""Independent reference for liederiv's EQ-R (src/lie/metrics/eqR.ts), in float64 torch.

Reads one JSON object on stdin, writes one on stdout. It shares no code with the TypeScript: the
rotation is torch.nn.functional.grid_sample (bilinear, padding_mode='zeros'), the valid mask is the
ones image with its 1-pixel border cleared, rotated by grid_sample(mode='nearest') as in
NVlabs/stylegan3 metrics/equivariance.py (apply_affine_transformation), and the MSE is StyleGAN3's
pooled ratio sum(mask * (ref - out)**2) / sum(mask).

Input: {"images": flat NHWC list, "shape": [N, H, W, C], "angles": [radians...],
        "compare": "outputs" | "rotated-outputs", "peak": number,
        "model": {"kind": "dense", "kernel": flat [H*W*C, K], "bias": [K], "softmax": bool}
               | {"kind": "conv3x3", "kernel": flat [3, 3, C, Cout], "bias": [Cout]}}
Output: {"db": PSNR in dB (uncapped; null when the MSE is 0), "mse": number, "perAngle": [{"angle", "sse", "count"}]}
"""
import json
import math
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def rotation_grid(h, w, angle):
    """Sampling grid (align_corners=True normalized coordinates) of the map output p -> A p about the centre."""
    cx, cy = (w - 1) / 2, (h - 1) / 2
    i, j = torch.meshgrid(torch.arange(h, dtype=torch.float64), torch.arange(w, dtype=torch.float64), indexing="ij")
    u, v = j - cx, i - cy
    c, s = math.cos(angle), math.sin(angle)
    sx = c * u + s * v + cx
    sy = -s * u + c * v + cy
    gx = 2 * sx / (w - 1) - 1
    gy = 2 * sy / (h - 1) - 1
    return torch.stack([gx, gy], dim=2).unsqueeze(0)


def rotate(x_nchw, angle):
    n, _, h, w = x_nchw.shape
    g = rotation_grid(h, w, angle).repeat(n, 1, 1, 1)
    return F.grid_sample(x_nchw, g, mode="bilinear", padding_mode="zeros", align_corners=True)


def valid_mask(h, w, angle):
    m = torch.zeros(1, 1, h, w)
    m[:, :, 1:-1, 1:-1] = 1
    return F.grid_sample(m, rotation_grid(h, w, angle), mode="nearest", padding_mode="zeros", align_corners=True)


def make_model(spec, shape):
    n, h, w, c = shape
    if spec["kind"] == "dense":
        k = len(spec["bias"])
        kernel = torch.tensor(spec["kernel"]).reshape(h * w * c, k)
        bias = torch.tensor(spec["bias"])

        def f(x_nchw):
            flat = x_nchw.permute(0, 2, 3, 1).reshape(x_nchw.shape[0], -1)  # NHWC row-major, as tf.layers.flatten
            z = flat @ kernel + bias
            return torch.softmax(z, dim=1) if spec.get("softmax") else z

        return f
    if spec["kind"] == "conv3x3":
        cout = len(spec["bias"])
        kernel = torch.tensor(spec["kernel"]).reshape(3, 3, c, cout).permute(3, 2, 0, 1)  # HWIO -> OIHW
        bias = torch.tensor(spec["bias"])
        return lambda x_nchw: F.conv2d(x_nchw, kernel, bias, padding=1)  # 'same' for 3x3, stride 1
    raise SystemExit(f"eqr_reference: unknown model kind {spec['kind']!r}")


def main():
    req = json.load(sys.stdin)
    n, h, w, c = req["shape"]
    x = torch.tensor(req["images"]).reshape(n, h, w, c).permute(0, 3, 1, 2)
    f = make_model(req["model"], req["shape"])
    f0 = f(x)
    rows = []
    for angle in req["angles"]:
        f1 = f(rotate(x, angle))
        if req["compare"] == "outputs":
            sse = float(((f1 - f0) ** 2).sum())
            count = float(f0.numel())
        else:
            m = valid_mask(h, w, angle)
            ref = rotate(f0, angle)
            sse = float((m * (ref - f1) ** 2).sum())
            count = float(m.sum()) * f0.shape[0] * f0.shape[1]
        rows.append({"angle": angle, "sse": sse, "count": count})
    mse = sum(r["sse"] for r in rows) / sum(r["count"] for r in rows)
    db = None if mse == 0 else 10 * math.log10(req["peak"] ** 2 / mse)
    json.dump({"db": db, "mse": mse, "perAngle": rows}, sys.stdout)


if __name__ == "__main__":
    main()
