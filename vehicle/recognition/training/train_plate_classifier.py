#!/usr/bin/python3
"""Trains the learned plate classifier and exports it to ONNX.

A small convolutional network maps the detector's proposal, cut with its
surroundings as CutRegionForClassifier (vehicle/recognition/src/
plate_classifier.cc) cuts it (32 x 96, BGR), to two raw scores: not a plate,
a plate. It looks at the middle of the cut (RegionLookWindow) in grey,
standardised. Trained with cross-entropy on the samples `anpr regions make`
writes (folders holding labels.tsv: NAME<TAB>1 or 0). Time-boxed: it trains
for --minutes, keeps the weights with the best balanced accuracy on the
validation folders, writes plate_classifier.onnx and checks that OpenCV's
importer gives what PyTorch gives. The input preparation below must stay
the same as RegionInputBlob.

Run with Debian's /usr/bin/python3 (setup-training.sh installs torch).
"""
import argparse
import math
import os
import sys
import time

import cv2
import numpy as np
import torch
import torch.nn as nn

HEIGHT, WIDTH = 32, 96
# RegionLookWindow: rows and columns of the cut the network looks at.
LOOK_ROWS, LOOK_COLS = slice(6, 26), slice(10, 86)
# The recognizer's thresholds on the plate probability
# (vehicle/recognition/src/plateness.h): below the first a proposal is not
# read, below the second it is doubtful. Reported on validation.
NOT_A_PLATE, DOUBTFUL = 0.2, 0.5


def load(folders, log, seen=None):
    """The samples listed in each folder's labels.tsv; with `seen` (a set
    of paths), only those not loaded before and only complete lines (the
    generator may still be writing)."""
    images, labels = [], []
    for folder in folders:
        with open(os.path.join(folder, "labels.tsv")) as f:
            for line in f:
                if not line.endswith("\n"):
                    break
                fields = line.rstrip("\n").split("\t")
                if len(fields) != 2 or fields[1] not in ("0", "1"):
                    continue
                path = os.path.join(folder, fields[0])
                if seen is not None:
                    if path in seen:
                        continue
                    seen.add(path)
                image = cv2.imread(path, cv2.IMREAD_COLOR)
                if image is None or image.shape[:2] != (HEIGHT, WIDTH):
                    continue
                images.append(image)
                labels.append(int(fields[1]))
        log(f"loaded {folder}: {len(images)} samples so far")
    if not images:
        return np.zeros((0, HEIGHT, WIDTH, 3), np.uint8), np.zeros(0, np.int64)
    return np.stack(images), np.array(labels, np.int64)


def to_input(batch_u8):
    """As RegionInputBlob: N x 1 x H x W float, the look window in grey,
    resized bilinearly, (x - mean) / max(std, 1) per cut."""
    looks = []
    for img in batch_u8:
        grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)[LOOK_ROWS, LOOK_COLS]
        looks.append(cv2.resize(grey, (WIDTH, HEIGHT), interpolation=cv2.INTER_LINEAR))
    x = np.stack(looks).astype(np.float32)
    mean = x.mean(axis=(1, 2), keepdims=True)
    std = np.maximum(x.std(axis=(1, 2), keepdims=True), 1.0)
    return np.ascontiguousarray(((x - mean) / std)[:, None])


def augment(batch, rng):
    """Variety on top of the generator's, so that what tells a plate is its
    shape and its characters, not the generator's own look (domain
    randomisation): a cut shifted or scaled by a few pixels (the detector's
    boxes vary); colours shifted round the hue circle, washed out or grey
    (vehicle paint, white balance, IR cameras); exposure, contrast and gamma;
    lower resolution, blur, sensor noise and JPEG (real cameras are softer
    and noisier than the generator's)."""
    out = np.empty_like(batch)
    for i, img in enumerate(batch):
        if rng.random() < 0.5:
            t, b = rng.integers(-2, 3, size=2)
            l, r = rng.integers(-5, 6, size=2)
            padded = cv2.copyMakeBorder(img, 2, 2, 5, 5, cv2.BORDER_REPLICATE)
            img = padded[2 + t:2 + HEIGHT - b, 5 + l:5 + WIDTH - r]
            img = cv2.resize(img, (WIDTH, HEIGHT), interpolation=cv2.INTER_LINEAR)
        if rng.random() < 0.6:
            hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV).astype(np.int32)
            if rng.random() < 0.5:
                hsv[..., 0] = (hsv[..., 0] + int(rng.integers(0, 180))) % 180
            hsv[..., 1] = np.clip(hsv[..., 1] * rng.uniform(0.2, 1.3), 0, 255)
            img = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2BGR)
        if rng.random() < 0.2:
            img = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
        if rng.random() < 0.7:
            img = cv2.convertScaleAbs(img, alpha=float(rng.uniform(0.4, 1.3)), beta=float(rng.uniform(-40, 40)))
        if rng.random() < 0.3:
            lut = (255.0 * (np.arange(256) / 255.0) ** rng.uniform(0.6, 1.6)).astype(np.uint8)
            img = cv2.LUT(img, lut)
        if rng.random() < 0.3:
            k = rng.uniform(0.4, 0.8)
            small = cv2.resize(img, (max(8, int(WIDTH * k)), max(4, int(HEIGHT * k))), interpolation=cv2.INTER_AREA)
            img = cv2.resize(small, (WIDTH, HEIGHT), interpolation=cv2.INTER_LINEAR)
        if rng.random() < 0.4:
            img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 1.3))
        if rng.random() < 0.3:
            noise = rng.normal(0, rng.uniform(2, 9), img.shape)
            img = np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)
        if rng.random() < 0.3:
            ok, jpeg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(20, 80))])
            img = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
        out[i] = img
    return out


def block(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
            nn.MaxPool2d(2)]


class PlateClassifier(nn.Module):
    """1 x 32 x 96 -> 2 x 1 x 1 raw scores (not a plate, plate)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            *block(1, 16),    # 16 x 48
            *block(16, 32),   # 8 x 24
            *block(32, 48),   # 4 x 12
            *block(48, 64),   # 2 x 6
            nn.Dropout(0.2),
            nn.Conv2d(64, 2, (2, 6)))

    def forward(self, x):
        return self.features(x)


def evaluate(net, images, labels, batch=512):
    """Plate probabilities of the validation samples."""
    net.eval()
    probs = []
    with torch.no_grad():
        for i in range(0, len(labels), batch):
            scores = net(torch.from_numpy(to_input(images[i:i + batch])))[:, :, 0, 0]
            probs.append(scores.softmax(1)[:, 1].numpy())
    net.train()
    return np.concatenate(probs) if probs else np.zeros(0)


def report(probs, labels):
    """Balanced accuracy at 0.5, and what the recognizer's thresholds keep."""
    pos, neg = probs[labels == 1], probs[labels == 0]
    tpr = (pos >= 0.5).mean() if len(pos) else 0.0
    tnr = (neg < 0.5).mean() if len(neg) else 0.0
    text = (f"balanced {(tpr + tnr) * 50:.1f}%; plates kept at {NOT_A_PLATE}: {(pos >= NOT_A_PLATE).mean() * 100:.2f}%, "
            f"sure at {DOUBTFUL}: {tpr * 100:.2f}%; others dropped at {NOT_A_PLATE}: "
            f"{(neg < NOT_A_PLATE).mean() * 100:.2f}%, doubtful at {DOUBTFUL}: {tnr * 100:.2f}% "
            f"({len(pos)} plates, {len(neg)} others)")
    return (tpr + tnr) / 2, text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", nargs="+", default=[], help="folders with labels.tsv")
    ap.add_argument("--val-data", nargs="+", required=True, help="folders with labels.tsv kept for validation only")
    ap.add_argument("--out", help="folder for plate_classifier.onnx")
    ap.add_argument("--evaluate", metavar="ONNX",
                    help="only measure this exported model (through OpenCV) on --val-data, e.g. the held-out set 1")
    ap.add_argument("--minutes", type=float, default=20)
    ap.add_argument("--reload", action="store_true", help="add samples written to --data since the last evaluation")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--plate-weight", type=float, default=5.0,
                    help="weight of a plate sample in the loss against another's: a plate judged not a plate "
                         "is a vehicle not read, other text judged a plate is at worst a stray read")
    ap.add_argument("--smoothing", type=float, default=0.05, help="label smoothing (less sure on unseen data)")
    args = ap.parse_args()

    t_start = time.time()

    def log(msg):
        print(f"[{(time.time() - t_start) / 60:6.1f} min] {msg}", flush=True)

    if args.evaluate:
        val_x, val_y = load(args.val_data, log)
        cvnet = cv2.dnn.readNetFromONNX(args.evaluate)
        probs = []
        for i in range(0, len(val_y), 256):
            cvnet.setInput(to_input(val_x[i:i + 256]))
            scores = cvnet.forward().reshape(-1, 2).astype(np.float64)
            probs.append(1.0 / (1.0 + np.exp(scores[:, 0] - scores[:, 1])))
        log(f"{args.evaluate}: {report(np.concatenate(probs), val_y)[1]}")
        return 0
    if not args.data or not args.out:
        ap.error("--data and --out are needed to train")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    seen = set()
    train_x, train_y = load(args.data, log, seen)
    val_x, val_y = load(args.val_data, log)
    log(f"train {len(train_y)} ({train_y.sum()} plates), validation {len(val_y)} ({val_y.sum()} plates)")

    net = PlateClassifier()
    log(f"parameters {sum(p.numel() for p in net.parameters())}")
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    loss_fn = nn.CrossEntropyLoss(weight=torch.tensor([1.0, args.plate_weight]), label_smoothing=args.smoothing)
    budget_s = args.minutes * 60 - (time.time() - t_start)
    train_start = time.time()
    best, best_state, step, loss_avg = -1.0, None, 0, None
    rng = np.random.default_rng(args.seed)
    order, pos = rng.permutation(len(train_y)), 0
    next_eval = train_start + 90
    while time.time() - train_start < budget_s:
        progress = (time.time() - train_start) / budget_s
        lr = args.lr * min(1.0, (step + 1) / 50) * 0.5 * (1 + math.cos(math.pi * progress))
        for g in opt.param_groups:
            g["lr"] = lr
        if pos + args.batch > len(order):
            order, pos = rng.permutation(len(train_y)), 0
        idx = order[pos:pos + args.batch]
        pos += args.batch
        x = torch.from_numpy(to_input(augment(train_x[idx], rng)))
        loss = loss_fn(net(x)[:, :, 0, 0], torch.from_numpy(train_y[idx]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        loss_avg = loss.item() if loss_avg is None else 0.98 * loss_avg + 0.02 * loss.item()
        if time.time() >= next_eval:
            score, text = report(evaluate(net, val_x, val_y), val_y)
            if score > best:
                best, best_state = score, {k: v.clone() for k, v in net.state_dict().items()}
            if args.reload:
                more_x, more_y = load(args.data, lambda m: None, seen)
                if len(more_y):
                    train_x, train_y = np.concatenate([train_x, more_x]), np.concatenate([train_y, more_y])
                    order, pos = rng.permutation(len(train_y)), 0
                    log(f"added {len(more_y)} new samples: {len(train_y)} in training")
            log(f"step {step} loss {loss_avg:.4f} lr {lr:.5f} validation {text}")
            next_eval = time.time() + 120
    score, text = report(evaluate(net, val_x, val_y), val_y)
    if score > best:
        best, best_state = score, {k: v.clone() for k, v in net.state_dict().items()}
    log(f"done: step {step}; last validation {text}")
    net.load_state_dict(best_state)
    log(f"kept (best balanced {best * 100:.1f}%): {report(evaluate(net, val_x, val_y), val_y)[1]}")
    net.eval()  # after evaluate, which leaves the network in training mode

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "plate_classifier.onnx")
    torch.onnx.export(net, torch.zeros(1, 1, HEIGHT, WIDTH), onnx_path, opset_version=11,
                      input_names=["region"], output_names=["scores"], do_constant_folding=True)
    cvnet = cv2.dnn.readNetFromONNX(onnx_path)
    x = to_input(val_x[:16])
    cvnet.setInput(x)
    cv_out = cvnet.forward()
    with torch.no_grad():
        torch_out = net(torch.from_numpy(x)).numpy()
    log(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes); OpenCV vs torch max diff "
        f"{np.abs(cv_out - torch_out).max():.2e}")


if __name__ == "__main__":
    sys.exit(main())
