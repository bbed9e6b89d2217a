#!/usr/bin/python3
"""Trains the learned whole-line plate reader and exports it to ONNX.

A small, purely convolutional network (no recurrent layers, so OpenCV 4.6's
dnn ONNX importer runs it) maps a 32 x 128 grey plate line to 32 columns of
scores over the CTC blank and A-Z 0-9, trained with CTC loss on the crops
`anpr lines make` writes (folders holding labels.tsv). Time-boxed: it trains
for --minutes, keeps the weights that read the validation split best, and
writes line_reader.onnx (raw scores: the C++ reader takes the softmax per
column, as OpenCV 4.6 reads ONNX Softmax over axis 1 of a 4-D tensor
differently from PyTorch). The input preparation below
must stay the same as LineInputBlob in vehicle/recognition/src/line_reader.cc.

Run with Debian's /usr/bin/python3 (setup-training.sh installs torch).
"""
import argparse
import math
import os
import random
import sys
import time

import cv2
import numpy as np
import torch
import torch.nn as nn

HEIGHT, WIDTH = 32, 128
CLASSES = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # index 0: the CTC blank
FROZEN_NORM = False  # set by --init: fine-tuning keeps the normalisation fixed


def prepare(image):
    """8-bit grey resized to 32 x 128 (uint8); standardised later, per crop."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    interp = cv2.INTER_AREA if grey.shape[1] > WIDTH else cv2.INTER_LINEAR
    return cv2.resize(grey, (WIDTH, HEIGHT), interpolation=interp)


def standardise(batch_u8):
    """As LineInputBlob: (x - mean) / max(std, 1) per crop (population std)."""
    x = batch_u8.astype(np.float32)
    mean = x.mean(axis=(1, 2), keepdims=True)
    std = np.maximum(x.std(axis=(1, 2), keepdims=True), 1.0)
    return (x - mean) / std


def load(folders, log, seen=None):
    """The crops listed in each folder's labels.tsv, in file order; with
    `seen` (a set of paths), only those not loaded before, and only complete
    lines (`anpr lines make` may still be writing the file)."""
    images, texts = [], []
    for folder in folders:
        with open(os.path.join(folder, "labels.tsv")) as f:
            for line in f:
                if not line.endswith("\n"):
                    break
                fields = line.rstrip("\n").split("\t")
                if len(fields) != 2:
                    continue
                name, text = fields
                path = os.path.join(folder, name)
                if seen is not None:
                    if path in seen:
                        continue
                    seen.add(path)
                image = cv2.imread(path, cv2.IMREAD_COLOR)
                if image is None or not text or any(c not in CLASSES[1:] for c in text):
                    continue
                images.append(prepare(image))
                texts.append(text)
        log(f"loaded {folder}: {len(images)} crops so far")
    if not images:
        return np.zeros((0, HEIGHT, WIDTH), np.uint8), texts
    return np.stack(images), texts


def augment(batch, rng):
    """Cheap variety on top of the generator's, per crop: a cut a few pixels
    looser or tighter at each side (resized back), a stretch, a blur, and an
    occasional negative (light characters on a dark ground, as some IR
    pictures are)."""
    out = np.empty_like(batch)
    for i, img in enumerate(batch):
        if rng.random() < 0.5:
            t, b = rng.integers(-3, 4, size=2)
            l, r = rng.integers(-8, 9, size=2)
            padded = cv2.copyMakeBorder(img, 3, 3, 8, 8, cv2.BORDER_REPLICATE)
            img = padded[3 + t:3 + HEIGHT - b, 8 + l:8 + WIDTH - r]
            img = cv2.resize(img, (WIDTH, HEIGHT), interpolation=cv2.INTER_LINEAR)
        if rng.random() < 0.15:
            k = int(rng.choice([3, 5]))
            img = cv2.GaussianBlur(img, (k, 1) if rng.random() < 0.5 else (k, k), 0)
        if rng.random() < 0.05:
            img = 255 - img
        out[i] = img
    return out


def block(cin, cout, kernel=3, padding=1):
    return [nn.Conv2d(cin, cout, kernel, padding=padding, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


class LineReader(nn.Module):
    """1 x 32 x 128 -> classes x 1 x 32 (scores per column, stride 4 px)."""

    def __init__(self, classes=len(CLASSES)):
        super().__init__()
        self.features = nn.Sequential(
            *block(1, 16), nn.MaxPool2d(2),              # 16 x 64
            *block(16, 32), nn.MaxPool2d(2),             # 8 x 32
            *block(32, 64), nn.MaxPool2d((2, 1)),        # 4 x 32
            *block(64, 96), nn.MaxPool2d((2, 1)),        # 2 x 32
            *block(96, 128, (2, 3), (0, 1)),             # 1 x 32
            *block(128, 128, (1, 3), (0, 1)),            # context along the line
            nn.Dropout(0.1),
            nn.Conv2d(128, classes, 1))

    def forward(self, x):
        return self.features(x)


def init_from_onnx(net, onnx_path, log):
    """Starts from an earlier exported model (fine-tuning): OpenCV's importer
    gives each convolution with its batch normalisation folded in (weights
    and a bias), in order; the weights go to the convolutions, the bias to
    the normalisation's shift, whose scale and statistics become the
    identity. The normalisations are then kept frozen (see FreezeNorm)."""
    cvnet = cv2.dnn.readNetFromONNX(onnx_path)
    folded = [cvnet.getLayer(cvnet.getLayerId(n)).blobs for n in cvnet.getLayerNames()
              if cvnet.getLayer(cvnet.getLayerId(n)).type == "Convolution"]
    convs = [m for m in net.features if isinstance(m, nn.Conv2d)]
    norms = [m for m in net.features if isinstance(m, nn.BatchNorm2d)]
    if len(folded) != len(convs):
        raise SystemExit(f"{onnx_path}: {len(folded)} convolutions, the network has {len(convs)}")
    with torch.no_grad():
        for i, (conv, blobs) in enumerate(zip(convs, folded)):
            conv.weight.copy_(torch.from_numpy(blobs[0]))
            bias = torch.from_numpy(blobs[1].reshape(-1)) if len(blobs) > 1 else torch.zeros(conv.out_channels)
            if i < len(norms):
                norm = norms[i]
                norm.running_mean.zero_()
                norm.running_var.fill_(1.0 - norm.eps)
                norm.weight.fill_(1.0)
                norm.bias.copy_(bias)
            else:
                conv.bias.copy_(bias)
    log(f"started from {onnx_path}")


def freeze_norm(net):
    """Normalisation layers use their stored statistics, not the batch's."""
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.eval()


def decode(scores):
    """Greedy CTC over (N, classes, 1, T) -> list of strings."""
    best = scores.argmax(dim=1)[:, 0, :].numpy()
    out = []
    for row in best:
        text, prev = [], 0
        for k in row:
            if k != 0 and k != prev:
                text.append(CLASSES[k])
            prev = k
        out.append("".join(text))
    return out


def fold(s):
    return s.replace("O", "0")


def evaluate(net, images, texts, batch=256):
    net.eval()
    right = 0
    with torch.no_grad():
        for i in range(0, len(texts), batch):
            x = torch.from_numpy(standardise(images[i:i + batch])[:, None])
            for got, want in zip(decode(net(x)), texts[i:i + batch]):
                right += fold(got) == fold(want)
    net.train()
    if FROZEN_NORM:
        freeze_norm(net)
    return right / max(1, len(texts))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", nargs="+", required=True, help="folders with labels.tsv")
    ap.add_argument("--out", required=True, help="folder for line_reader.onnx")
    ap.add_argument("--minutes", type=float, default=40)
    ap.add_argument("--val", type=int, default=2000, help="crops held out for validation (without --val-data)")
    ap.add_argument("--val-data", nargs="*", default=[], help="folders with labels.tsv kept for validation only")
    ap.add_argument("--reload", action="store_true",
                    help="at each evaluation, add the crops written to --data since (a generator still running)")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--init", help="an earlier line_reader.onnx to fine-tune from (default: from scratch)")
    args = ap.parse_args()

    t_start = time.time()

    def log(msg):
        print(f"[{(time.time() - t_start) / 60:6.1f} min] {msg}", flush=True)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    seen = set()
    images, texts = load(args.data, log, seen)
    if args.val_data:
        train_x, train_t = images, texts
        val_x, val_t = load(args.val_data, log)
    else:
        # The split: the last --val crops (by file order) are validation only.
        train_x, train_t = images[:-args.val], texts[:-args.val]
        val_x, val_t = images[-args.val:], texts[-args.val:]
    log(f"train {len(train_t)}, validation {len(val_t)}")

    net = LineReader()
    if args.init:
        init_from_onnx(net, args.init, log)
        global FROZEN_NORM
        FROZEN_NORM = True
        freeze_norm(net)
    log(f"parameters {sum(p.numel() for p in net.parameters())}")
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    budget_s = args.minutes * 60 - (time.time() - t_start)
    train_start = time.time()
    best, best_state, step, crops_seen, loss_avg = -1.0, None, 0, 0, None
    order = np.random.default_rng(args.seed).permutation(len(train_t))
    aug_rng = np.random.default_rng(args.seed + 1)
    pos = 0
    next_eval = train_start + 120
    while True:
        elapsed = time.time() - train_start
        if elapsed >= budget_s:
            break
        # Cosine decay over the time budget, after a short warm-up.
        progress = elapsed / budget_s
        lr = args.lr * min(1.0, (step + 1) / 50) * 0.5 * (1 + math.cos(math.pi * progress))
        for g in opt.param_groups:
            g["lr"] = lr
        if pos + args.batch > len(order):
            order = np.random.default_rng(args.seed + step).permutation(len(train_t))
            pos = 0
        idx = order[pos:pos + args.batch]
        pos += args.batch
        batch = augment(train_x[idx], aug_rng)
        x = torch.from_numpy(standardise(batch)[:, None])
        labels = [train_t[i] for i in idx]
        targets = torch.tensor([CLASSES.index(c) for t in labels for c in t], dtype=torch.long)
        target_lengths = torch.tensor([len(t) for t in labels], dtype=torch.long)
        scores = net(x)[:, :, 0, :]                     # N x C x T
        log_probs = scores.permute(2, 0, 1).log_softmax(2)  # T x N x C
        input_lengths = torch.full((len(labels),), log_probs.shape[0], dtype=torch.long)
        loss = ctc(log_probs, targets, input_lengths, target_lengths)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        crops_seen += len(labels)
        loss_avg = loss.item() if loss_avg is None else 0.98 * loss_avg + 0.02 * loss.item()
        if time.time() >= next_eval:
            acc = evaluate(net, val_x, val_t)
            if acc > best:
                best, best_state = acc, {k: v.clone() for k, v in net.state_dict().items()}
            if args.reload:
                more_x, more_t = load(args.data, lambda m: None, seen)
                if more_t:
                    train_x = np.concatenate([train_x, more_x])
                    train_t = train_t + more_t
                    order = np.random.default_rng(args.seed + step).permutation(len(train_t))
                    pos = 0
                    log(f"added {len(more_t)} new crops: {len(train_t)} in training")
            log(f"step {step} seen {crops_seen} loss {loss_avg:.3f} lr {lr:.5f} validation exact {acc * 100:.1f}% (best {best * 100:.1f}%)")
            next_eval = time.time() + 180
    acc = evaluate(net, val_x, val_t)
    if acc > best:
        best, best_state = acc, {k: v.clone() for k, v in net.state_dict().items()}
    log(f"done: step {step} seen {crops_seen} final validation exact {acc * 100:.1f}%, best {best * 100:.1f}%")
    net.load_state_dict(best_state)
    net.eval()

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "line_reader.onnx")
    torch.onnx.export(net, torch.zeros(1, 1, HEIGHT, WIDTH), onnx_path, opset_version=11,
                      input_names=["line"], output_names=["scores"], do_constant_folding=True)
    # The exported file must give what torch gives, through OpenCV's importer.
    cvnet = cv2.dnn.readNetFromONNX(onnx_path)
    x = standardise(val_x[:16])[:, None].astype(np.float32)
    cvnet.setInput(x)
    cv_out = cvnet.forward()
    with torch.no_grad():
        torch_out = net(torch.from_numpy(x)).numpy()
    log(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes); OpenCV vs torch max diff {np.abs(cv_out - torch_out).max():.2e}")


if __name__ == "__main__":
    sys.exit(main())
