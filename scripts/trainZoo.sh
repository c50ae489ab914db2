#!/bin/sh
# Retrains every committed zoo model under datasets/models/ with the exact commands recorded in
# datasets/models/manifest.json (accuracy, time, seed). Run from the repository root after
# `npm run build`. Sequential, single-threaded wasm; each command is independent and can be rerun
# alone. The CNNs on MNIST use a cosine learning-rate schedule (and dropout where they do not
# augment) to reach 98%; ViT, Mixer and ResNet cosine only; the MLP and the Coloured MNIST CNNs
# kept short constant-rate runs (see datasets/README.md for times).
set -e
node bin/liederiv.js train --model cnn-relu --dataset mnist --epochs 12 --seed 1 --out datasets/models --lr-schedule cosine --dropout 0.3 --checkpoints
node bin/liederiv.js train --model mlp --dataset mnist --epochs 8 --seed 1 --out datasets/models
node bin/liederiv.js train --model cnn-relu --dataset colored-mnist-random-hue --epochs 3 --seed 1 --out datasets/models
node bin/liederiv.js train --model cnn-relu --dataset colored-mnist-label-hue --epochs 3 --seed 1 --out datasets/models
node bin/liederiv.js train --model cnn-relu --dataset mnist --epochs 16 --augment translate,rotate --seed 1 --out datasets/models --lr-schedule cosine
node bin/liederiv.js train --model cnn-blurpool --dataset mnist --epochs 10 --seed 1 --out datasets/models --lr-schedule cosine --dropout 0.3
node bin/liederiv.js train --model vit-tiny --dataset mnist --epochs 10 --seed 1 --out datasets/models --lr-schedule cosine
node bin/liederiv.js train --model cnn-gelu --dataset mnist --epochs 12 --seed 1 --out datasets/models --lr-schedule cosine --dropout 0.3
node bin/liederiv.js train --model resnet-small --dataset mnist --epochs 6 --seed 1 --out datasets/models --lr-schedule cosine
node bin/liederiv.js train --model cnn-swish --dataset mnist --epochs 12 --seed 1 --out datasets/models --lr-schedule cosine --dropout 0.3
node bin/liederiv.js train --model mixer-tiny --dataset mnist --epochs 10 --seed 1 --out datasets/models --lr-schedule cosine
