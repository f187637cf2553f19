#!/usr/bin/python3
"""Export nnport's test models from PyTorch to ONNX, with reference data.

For each model: OUT/<name>/model.onnx, OUT/<name>/inputs/<input>.npy (seeded
inputs) and OUT/<name>/outputs/<output>.npy (PyTorch's own outputs on those
inputs), plus OUT/manifest.json describing all models. shapes10 also gets
calibration data, calibration images and a labelled test set (trained.py).

Usage: /usr/bin/python3 tests/models/export.py [--out DIR] [--only NAME ...] [--force]

Idempotent: a model whose files exist and whose recorded script hash matches
export.py + zoo.py + trained.py is skipped (--force re-exports). Fixed seeds,
random weights (but shapes10's, trained here), no network.
"""
import argparse
import hashlib
import json
import os
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "out")
SEED = 20240601


# Canonical order; must match zoo.MODELS (checked after import).
MODEL_NAMES = ["resnet18", "mobilenet_v2", "transformer_layer",
               "two_in_two_out", "int64_input", "tiny_mlp",
               "squeezenet1_1", "efficientnet_b0", "shapes10"]


def script_hash():
    """Hash of the export code: a change to any of its files re-exports everything."""
    h = hashlib.sha256()
    for f in ("export.py", "zoo.py", "trained.py"):
        with open(os.path.join(HERE, f), "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()


# --- export -----------------------------------------------------------------

def value_info_entry(vi):
    import numpy as np
    import onnx
    t = vi.type.tensor_type
    dims = []
    for d in t.shape.dim:
        if d.HasField("dim_value"):
            dims.append(d.dim_value)
        else:
            dims.append(d.dim_param or -1)
    return {"name": vi.name,
            "dtype": np.dtype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[t.elem_type]).name,
            "shape": dims}


def export_one(name, out_dir):
    import numpy as np
    import onnx
    import torch
    import zoo
    assert list(zoo.MODELS) == MODEL_NAMES
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    model, inputs, output_names, dyn, opset, allowed_ops, *extras = zoo.MODELS[name](gen)
    model.eval()
    mdir = os.path.join(out_dir, name)
    os.makedirs(os.path.join(mdir, "inputs"), exist_ok=True)
    os.makedirs(os.path.join(mdir, "outputs"), exist_ok=True)
    path = os.path.join(mdir, "model.onnx")
    args = tuple(inputs.values())

    # Reference outputs in eval mode, with autograd on like the export, so
    # both take the same (unfused) code path.
    ref = model(*args)
    if isinstance(ref, torch.Tensor):
        ref = (ref,)
    assert len(ref) == len(output_names), (name, len(ref), output_names)

    # Export with gradients enabled: under no_grad, TransformerEncoderLayer
    # takes a fused fast path the exporter cannot handle.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, args, path, input_names=list(inputs),
                          output_names=output_names, dynamic_axes=dyn,
                          opset_version=opset, do_constant_folding=True)

    m = onnx.load(path)
    onnx.checker.check_model(m)
    ops = sorted({n.op_type for n in m.graph.node})
    if allowed_ops is not None and not set(ops) <= allowed_ops:
        sys.exit(f"export.py: {name}: ops {sorted(set(ops) - allowed_ops)} slipped in "
                 f"(allowed {sorted(allowed_ops)}); fix the model definition")
    got_inputs = [i.name for i in m.graph.input
                  if i.name not in {t.name for t in m.graph.initializer}]
    got_outputs = [o.name for o in m.graph.output]
    if got_inputs != list(inputs) or got_outputs != output_names:
        sys.exit(f"export.py: {name}: exported I/O {got_inputs} -> {got_outputs}, "
                 f"expected {list(inputs)} -> {output_names}")

    for k, v in inputs.items():
        np.save(os.path.join(mdir, "inputs", k + ".npy"), v.numpy())
    for k, v in zip(output_names, ref):
        np.save(os.path.join(mdir, "outputs", k + ".npy"), v.detach().numpy())

    extra = write_extras(mdir, extras[0]) if extras else {}

    init_names = {t.name for t in m.graph.initializer}
    return {
        "name": name,
        "opset": opset,
        "inputs": [value_info_entry(i) for i in m.graph.input if i.name not in init_names],
        "outputs": [value_info_entry(o) for o in m.graph.output],
        "dynamic_axes": dyn or {},
        "ops": ops,
        "node_count": len(m.graph.node),
        "file_bytes": os.path.getsize(path),
        **extra,
    }


def write_extras(mdir, extras):
    """Writes a builder's extra files (.npy arrays, .png uint8 RGB images)
    into fresh folders; returns its manifest fields plus `extra_files`."""
    import shutil
    import numpy as np
    from PIL import Image
    for top in {p.split("/")[0] for p in extras["files"] if "/" in p}:
        shutil.rmtree(os.path.join(mdir, top), ignore_errors=True)  # no stale samples
    for rel, arr in extras["files"].items():
        path = os.path.join(mdir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if rel.endswith(".png"):
            Image.fromarray(arr, "RGB").save(path)
        else:
            np.save(path, arr)
    return {**extras["entry"], "extra_files": sorted(extras["files"])}


def files_present(out_dir, entry):
    mdir = os.path.join(out_dir, entry["name"])
    paths = [os.path.join(mdir, "model.onnx")]
    paths += [os.path.join(mdir, "inputs", i["name"] + ".npy") for i in entry["inputs"]]
    paths += [os.path.join(mdir, "outputs", o["name"] + ".npy") for o in entry["outputs"]]
    paths += [os.path.join(mdir, p) for p in entry.get("extra_files", [])]
    return all(os.path.isfile(p) for p in paths)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    ap.add_argument("--only", nargs="+", metavar="NAME", choices=MODEL_NAMES,
                    help="export only these models")
    ap.add_argument("--force", action="store_true", help="re-export even if up to date")
    a = ap.parse_args()

    os.makedirs(a.out, exist_ok=True)
    manifest_path = os.path.join(a.out, "manifest.json")
    old = {}
    if os.path.isfile(manifest_path):
        try:
            with open(manifest_path) as f:
                old = {e["name"]: e for e in json.load(f).get("models", [])}
        except (ValueError, KeyError, TypeError):
            old = {}
    h = script_hash()
    entries = dict(old)
    for name in (a.only or MODEL_NAMES):
        prev = old.get(name)
        if (not a.force and prev and prev.get("script_sha256") == h
                and files_present(a.out, prev)):
            print(f"{name}: up to date")
            continue
        t0 = time.time()
        entry = export_one(name, a.out)
        entry["script_sha256"] = h
        entries[name] = entry
        print(f"{name}: exported in {time.time() - t0:.2f} s "
              f"({entry['file_bytes'] / 1e6:.2f} MB, {entry['node_count']} nodes)")
    # Keep the manifest in the canonical model order.
    ordered = [entries[n] for n in MODEL_NAMES if n in entries]
    with open(manifest_path + ".tmp", "w") as f:
        json.dump({"models": ordered}, f, indent=2)
        f.write("\n")
    os.replace(manifest_path + ".tmp", manifest_path)


if __name__ == "__main__":
    main()
