#!/usr/bin/env python3
"""Writes the calibration-data fixtures of quantize_calib_test into OUT_DIR.

The values are the tests' independent reference: numpy, h5py and PIL write
them, the C++ tests recompute the same formulas and compare.

The "pair" model of the tests has inputs x: float32 [1, 2, 3] and
ids: int64 [batch, 4] (batch dynamic). Sample i holds
  x   = (arange(6).reshape(1, 2, 3) + 10 * i) / 4
  ids = arange((i + 1) * 4).reshape(i + 1, 4) * 3 - 5
npy/                        the pair model's npy folders
  good/x/{0,1,2}.npy, good/ids/{0,1,2}.npy    (plus good/README.txt, ignored)
  missing_input/x/...       no ids folder
  gap/x/{0,1,3}.npy         2.npy missing
  wrong_shape/x/0.npy       [1, 2, 4]
  wrong_dtype/x/0.npy       float64
  late_wrong_shape/         sample 2 of x is [1, 3, 3]
  count_mismatch/           3 samples of x, 2 of ids
  bad_name/x/00.npy         a leading zero
h5/                         MMDeploy's layout, written by h5py
  good_gzip.h5              the pair model's 3 samples, gzip level 4
  types.h5                  one sample of b: bool [2, 3], h: float16 [4], u: uint8 [5],
                            d: float64 [2], i: int32 [3], s: int8 [3]
  truncated.h5              good_gzip.h5 cut to 60 %
  signature_garbage.h5      HDF5's signature, then junk
  garbage.h5                text
  no_root.h5                data/end2end/x/0 instead of calib_data/...
  no_input.h5               only calib_data/end2end/x
  gap.h5                    datasets 0, 2 of both inputs
  wrong_dtype.h5            x as float64
  not_dataset.h5            calib_data/end2end/x/0 is a group
  lzf.h5                    the pair model's sample 0, x compressed with h5py's lzf
img/                        images; pixel (y, x) channel c of image k is
                            (40 * y + 7 * x + 3 * c + 11 * k) % 256 (RGB order), 4 x 5
  png/                      k = 0, 1: a0.png, a1.png (plus notes.txt, ignored)
  jpeg/                     k = 0: a0.jpg (quality 95) and a0_pil.npy, PIL's decode (H, W, 3)
  gray/                     k = 0: gray PNG ('L') of channel 0
  resize/                   one 2 x 2 RGB PNG, columns 0 and 100 (all channels)
  batch/                    k = 0..4: img_0.png .. img_4.png
  bad_first/                0_bad.png (garbage), 1_good.png
  bad_second/               0_good.png, 1_bad.png (garbage)
  none/                     only notes.txt
models/                     ONNX models for the CLI test (onnx.helper)
  image.onnx                input: float32 [1, 3, 4, 5] -> Relu -> output
  npy_image/input/{0,1}.npy two samples for image.onnx: full((1, 3, 4, 5), i + 0.5)
  npy_image_late_bad/input/ 0.npy good, 1.npy of shape [1, 3, 4, 6]
  image_cfg.py              deploy config: calib_config.image mean/std
  image_bad_cfg.py          deploy config: calib_config.image with 'meen'
  image_std0_cfg.py         deploy config: calib_config.image.std with a 0
  big_image.onnx            input: float32 [1, 3, 512, 512] -> Relu -> output
  noise/                    noise_00.png (512 x 512 noise) and 29 hard links to it:
                            slow enough to write (gzip) that a test can signal the run
Usage: make_calib_fixtures.py OUT_DIR
"""
import os
import sys

import h5py
import numpy as np
from PIL import Image


def x_sample(i):
    return ((np.arange(6, dtype=np.float32).reshape(1, 2, 3) + 10 * i) / 4).astype(np.float32)


def ids_sample(i):
    return (np.arange((i + 1) * 4, dtype=np.int64).reshape(i + 1, 4) * 3 - 5).astype(np.int64)


def save(path, array):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, array)


def npy_folder(root, n_x=3, n_ids=3, x_of=x_sample, x_numbers=None):
    for i in x_numbers if x_numbers is not None else range(n_x):
        save(f"{root}/x/{i}.npy", x_of(i))
    for i in range(n_ids):
        save(f"{root}/ids/{i}.npy", ids_sample(i))


def h5_file(path, layout, compression="gzip"):
    with h5py.File(path, "w") as f:
        for name, array in layout.items():
            if compression:
                f.create_dataset(name, data=array, compression=compression, compression_opts=4)
            else:
                f.create_dataset(name, data=array)


def pixels(k, h=4, w=5):
    y, x, c = np.meshgrid(np.arange(h), np.arange(w), np.arange(3), indexing="ij")
    return ((40 * y + 7 * x + 3 * c + 11 * k) % 256).astype(np.uint8)


def write_npy(out):
    npy_folder(f"{out}/npy/good")
    with open(f"{out}/npy/good/README.txt", "w") as f:
        f.write("not a sample\n")
    npy_folder(f"{out}/npy/missing_input", n_ids=0)
    npy_folder(f"{out}/npy/gap", n_ids=4, x_numbers=[0, 1, 3])
    npy_folder(f"{out}/npy/wrong_shape", x_of=lambda i: np.zeros((1, 2, 4), np.float32))
    npy_folder(f"{out}/npy/wrong_dtype", x_of=lambda i: x_sample(i).astype(np.float64))
    npy_folder(f"{out}/npy/late_wrong_shape",
               x_of=lambda i: x_sample(i) if i < 2 else np.zeros((1, 3, 3), np.float32))
    npy_folder(f"{out}/npy/count_mismatch", n_x=3, n_ids=2)
    save(f"{out}/npy/bad_name/x/00.npy", x_sample(0))
    save(f"{out}/npy/bad_name/ids/0.npy", ids_sample(0))


def write_h5(out):
    d = f"{out}/h5"
    os.makedirs(d, exist_ok=True)
    good = {}
    for i in range(3):
        good[f"calib_data/end2end/x/{i}"] = x_sample(i)
        good[f"calib_data/end2end/ids/{i}"] = ids_sample(i)
    h5_file(f"{d}/good_gzip.h5", good)
    h5_file(f"{d}/types.h5", {
        "calib_data/end2end/b/0": np.array([[True, False, True], [False, False, True]]),
        "calib_data/end2end/h/0": np.array([0.5, -2.0, 65504.0, 1e-3], np.float16),
        "calib_data/end2end/u/0": np.array([0, 1, 127, 200, 255], np.uint8),
        "calib_data/end2end/d/0": np.array([1.0 / 3, -1e300], np.float64),
        "calib_data/end2end/i/0": np.array([-2147483648, 0, 2147483647], np.int32),
        "calib_data/end2end/s/0": np.array([-128, 0, 127], np.int8),
    }, compression=None)
    data = open(f"{d}/good_gzip.h5", "rb").read()
    open(f"{d}/truncated.h5", "wb").write(data[: len(data) * 6 // 10])
    open(f"{d}/signature_garbage.h5", "wb").write(b"\x89HDF\r\n\x1a\n" + b"junk" * 100)
    open(f"{d}/garbage.h5", "wb").write(b"this is not an HDF5 file\n" * 10)
    h5_file(f"{d}/no_root.h5", {"data/end2end/x/0": x_sample(0), "data/end2end/ids/0": ids_sample(0)})
    h5_file(f"{d}/no_input.h5", {"calib_data/end2end/x/0": x_sample(0)})
    h5_file(f"{d}/gap.h5", {f"calib_data/end2end/{n}/{i}": (x_sample(i) if n == "x" else ids_sample(i))
                            for n in ("x", "ids") for i in (0, 2)})
    h5_file(f"{d}/wrong_dtype.h5", {"calib_data/end2end/x/0": x_sample(0).astype(np.float64),
                                    "calib_data/end2end/ids/0": ids_sample(0)})
    with h5py.File(f"{d}/lzf.h5", "w") as f:
        f.create_dataset("calib_data/end2end/x/0", data=x_sample(0), compression="lzf")
        f.create_dataset("calib_data/end2end/ids/0", data=ids_sample(0))
    with h5py.File(f"{d}/not_dataset.h5", "w") as f:
        f.create_group("calib_data/end2end/x/0")
        f.create_dataset("calib_data/end2end/ids/0", data=ids_sample(0))


def png(path, k, mode="RGB"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    image = Image.fromarray(pixels(k), "RGB")
    if mode == "L":
        image = Image.fromarray(pixels(k)[:, :, 0], "L")
    image.save(path)


def garbage(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "wb").write(b"\x89PNG but not really an image" * 3)


def write_images(out):
    d = f"{out}/img"
    png(f"{d}/png/a0.png", 0)
    png(f"{d}/png/a1.png", 1)
    open(f"{d}/png/notes.txt", "w").write("not an image\n")
    os.makedirs(f"{d}/jpeg", exist_ok=True)
    Image.fromarray(pixels(0), "RGB").save(f"{d}/jpeg/a0.jpg", quality=95)
    np.save(f"{d}/jpeg/a0_pil.npy", np.asarray(Image.open(f"{d}/jpeg/a0.jpg").convert("RGB")))
    png(f"{d}/gray/g0.png", 0, mode="L")
    os.makedirs(f"{d}/resize", exist_ok=True)
    two = np.zeros((2, 2, 3), np.uint8)
    two[:, 1, :] = 100
    Image.fromarray(two, "RGB").save(f"{d}/resize/r.png")
    for k in range(5):
        png(f"{d}/batch/img_{k}.png", k)
    garbage(f"{d}/bad_first/0_bad.png")
    png(f"{d}/bad_first/1_good.png", 0)
    png(f"{d}/bad_second/0_good.png", 0)
    garbage(f"{d}/bad_second/1_bad.png")
    os.makedirs(f"{d}/none", exist_ok=True)
    open(f"{d}/none/notes.txt", "w").write("no images here\n")


def write_models(out):
    import onnx
    from onnx import TensorProto, helper

    d = f"{out}/models"
    os.makedirs(d, exist_ok=True)
    g = helper.make_graph(
        [helper.make_node("Relu", ["input"], ["output"], name="relu")], "g",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 4, 5])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 3, 4, 5])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    onnx.save(m, f"{d}/image.onnx")
    for i in range(2):
        save(f"{d}/npy_image/input/{i}.npy", np.full((1, 3, 4, 5), i + 0.5, np.float32))
    save(f"{d}/npy_image_late_bad/input/0.npy", np.zeros((1, 3, 4, 5), np.float32))
    save(f"{d}/npy_image_late_bad/input/1.npy", np.zeros((1, 3, 4, 6), np.float32))
    big = [1, 3, 512, 512]
    g = helper.make_graph(
        [helper.make_node("Relu", ["input"], ["output"], name="relu")], "g",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, big)],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, big)])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    onnx.save(m, f"{d}/big_image.onnx")
    os.makedirs(f"{d}/noise", exist_ok=True)
    noise = (np.random.RandomState(0).rand(512, 512, 3) * 255).astype(np.uint8)
    Image.fromarray(noise, "RGB").save(f"{d}/noise/noise_00.png")
    for k in range(1, 30):
        os.link(f"{d}/noise/noise_00.png", f"{d}/noise/noise_{k:02d}.png")
    with open(f"{d}/image_cfg.py", "w") as f:
        f.write("calib_config = dict(image=dict(mean=[1.0, 2.0, 3.0], std=[2.0, 4.0, 8.0]))\n")
    with open(f"{d}/image_std0_cfg.py", "w") as f:
        f.write("calib_config = dict(image=dict(std=[0, 1, 1]))\n")
    with open(f"{d}/image_bad_cfg.py", "w") as f:
        f.write("calib_config = dict(image=dict(meen=[1.0, 2.0, 3.0]))\n")


def main():
    out = sys.argv[1]
    write_npy(out)
    write_h5(out)
    write_images(out)
    write_models(out)


if __name__ == "__main__":
    main()
