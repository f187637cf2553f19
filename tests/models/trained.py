"""shapes10: a small CNN trained on a synthetic task, for judging int8 accuracy.

Random weights say little about quantization error, so this model is trained
(inside the export, seeded, about 10 s of one CPU) on 32x32 RGB images of ten
shapes drawn with random size, position, colours, brightness and noise. The
images are uint8 as a camera gives them; the model's input is those images as
float32 NCHW RGB, (pixel - MEAN) / STD per channel, computed in float32.
"""
import numpy as np
import torch
from torch import nn

SIZE = 32
MEAN = (123.675, 116.28, 103.53)  # ImageNet's, in 0..255 units
STD = (58.395, 57.12, 57.375)
CLASSES = ["disk", "ring", "square", "frame", "triangle",
           "plus", "cross", "hbar", "vbar", "two_dots"]
N_TRAIN = 3000
N_CALIB = 64
N_CALIB_IMAGES = 32  # the first 32 calibration images, also as PNG files
N_TEST = 1000
EPOCHS = 8
BATCH = 50
NOISE = 24.0         # sensor noise sigma, 0..255 units
CONTRAST_MIN = 25.0  # shape minus background at full hue, before brightness


def shape_mask(c, dy, dx, r, t):
    """Class c's shape as [k,32,32] bool, from offsets dy, dx to its centre,
    its size r and stroke width t (each [k,1,1])."""
    ay, ax = np.abs(dy), np.abs(dx)
    if c == 0:                                                   # disk
        return dy * dy + dx * dx <= r * r
    if c == 1:                                                   # ring
        d2 = dy * dy + dx * dx
        return (d2 <= r * r) & (d2 >= (r - t) ** 2)
    cheb = np.maximum(ay, ax)
    if c == 2:                                                   # square
        return cheb <= r * 0.85
    if c == 3:                                                   # frame
        return (cheb <= r * 0.85) & (cheb >= r * 0.85 - t)
    if c == 4:                                                   # triangle, apex up
        return (dy <= r * 0.7) & (ax <= (dy + r * 0.9) * 0.6)
    if c == 5:                                                   # plus
        return ((ay <= t / 2) & (ax <= r)) | ((ax <= t / 2) & (ay <= r))
    if c == 6:                                                   # X
        return ((np.abs(dy - dx) <= t * 0.7) | (np.abs(dy + dx) <= t * 0.7)) & (cheb <= r * 0.8)
    if c == 7:                                                   # horizontal bar
        return (ay <= t) & (ax <= r * 1.2)
    if c == 8:                                                   # vertical bar
        return (ax <= t) & (ay <= r * 1.2)
    return dy * dy + (ax - r * 0.6) ** 2 <= (r * 0.4) ** 2      # two dots


def draw(rng, n):
    """n images [n,32,32,3] uint8 RGB and their labels [n] int64.

    float32 +, *, comparisons and numpy's Generator only: the same images on
    any machine with the same numpy.
    """
    f32 = np.float32
    labels = rng.integers(0, 10, n)
    r = rng.uniform(4.0, 9.0, (n, 1, 1)).astype(f32)    # shape size in pixels
    cy = rng.uniform(9.0, 23.0, (n, 1, 1)).astype(f32)
    cx = rng.uniform(9.0, 23.0, (n, 1, 1)).astype(f32)
    t = rng.uniform(1.2, 2.5, (n, 1, 1)).astype(f32)    # stroke width
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(f32)
    mask = np.zeros((n, SIZE, SIZE), bool)
    for c in range(10):
        i = labels == c  # each class's shape only on its own images
        mask[i] = shape_mask(c, yy - cy[i], xx - cx[i], r[i], t[i])
    # The shape is brighter than the background (one polarity learns fast);
    # low contrast under noise is what leaves some images truly ambiguous.
    bg = rng.uniform(0.0, 120.0, (n, 1, 1, 3)).astype(f32)
    hue = rng.uniform(0.4, 1.0, (n, 1, 1, 3)).astype(f32)
    hue /= hue.max(axis=3, keepdims=True)  # full contrast in at least one channel
    fg = bg + hue * rng.uniform(CONTRAST_MIN, 140.0, (n, 1, 1, 1)).astype(f32)
    img = np.where(mask[..., None], fg, bg)
    img *= rng.uniform(0.6, 1.4, (n, 1, 1, 1)).astype(f32)            # brightness
    img += rng.standard_normal(img.shape, dtype=f32) * f32(NOISE)     # sensor noise
    return np.clip(np.rint(img), 0, 255).astype(np.uint8), labels.astype(np.int64)


def normalize(images):
    """uint8 [n,H,W,3] RGB -> float32 [n,3,H,W], (pixel - MEAN) / STD in float32."""
    x = images.astype(np.float32).transpose(0, 3, 1, 2)
    mean = np.array(MEAN, np.float32)[None, :, None, None]
    std = np.array(STD, np.float32)[None, :, None, None]
    return np.ascontiguousarray((x - mean) / std)


def conv_bn_relu(cin, cout, stride=1, k=3):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, k // 2, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU())


class Shapes10(nn.Module):
    """Conv-BN-ReLU stem, MaxPool, a residual block (Add), two branches
    joined by Concat, GlobalAveragePool, Flatten, Gemm. BatchNorm folds into
    the Convs at export."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(conv_bn_relu(3, 16, stride=2),   # 32x32 -> 16x16
                                  conv_bn_relu(16, 32))
        self.pool = nn.MaxPool2d(2)                                # -> 8x8
        self.res = nn.Sequential(conv_bn_relu(32, 32),
                                 nn.Conv2d(32, 32, 3, 1, 1, bias=False), nn.BatchNorm2d(32))
        self.relu = nn.ReLU()
        # count_include_pad=False: else the exporter adds a no-op Pad before AveragePool.
        self.branch1 = nn.Sequential(conv_bn_relu(32, 16, k=1),
                                     nn.AvgPool2d(2, count_include_pad=False))  # -> 4x4
        self.branch3 = conv_bn_relu(32, 32, stride=2)                             # -> 4x4
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(48, 10)

    def forward(self, x):
        x = self.pool(self.stem(x))
        x = self.relu(x + self.res(x))
        x = torch.cat([self.branch1(x), self.branch3(x)], dim=1)
        return self.fc(torch.flatten(self.gap(x), 1))


def make_data(seed):
    """{split: (uint8 images, labels)} for train, calib and test, each from
    its own stream, so that a change to one split's size leaves the others."""
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)]
    return {name: draw(rng, n) for name, rng, n in
            zip(("train", "calib", "test"), rngs, (N_TRAIN, N_CALIB, N_TEST))}


def train(model, images, labels, gen):
    """SGD with a one-cycle schedule; `gen` orders the batches."""
    x, y = torch.from_numpy(normalize(images)), torch.from_numpy(labels)
    steps_per_epoch = len(y) // BATCH
    opt = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9, nesterov=True,
                          weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.2, pct_start=0.2,
                                                total_steps=EPOCHS * steps_per_epoch)
    model.train()
    for _ in range(EPOCHS):
        perm = torch.randperm(len(y), generator=gen)
        for k in range(steps_per_epoch):
            idx = perm[k * BATCH:(k + 1) * BATCH]
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    model.eval()
    return model


def accuracy(model, images, labels):
    with torch.no_grad():
        pred = model(torch.from_numpy(normalize(images))).argmax(1).numpy()
    return float((pred == labels).mean())
