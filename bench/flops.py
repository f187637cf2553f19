#!/usr/bin/python3
"""Counts the floating-point operations of one inference of an ONNX model.

    /usr/bin/python3 bench/flops.py MODEL.onnx [--batch N] [--json]

Counted (an FMA is 2 FLOPs; shapes from ONNX shape inference, dynamic
dims set to --batch):
  Conv          2 * Cout * (Cin/group) * kh * kw * Hout * Wout  (per image)
  Gemm, MatMul  2 * M * N * K
Everything else (bias adds, BatchNorm, Relu, Add, pooling) is listed by op
with its output elements, but not counted: those are memory-bound and a few
per cent of the total at most, and peak FLOP/s is about FMAs.
Needs python3-onnx (Debian: apt-get install python3-onnx).
"""
import argparse
import json
import math
import sys

import onnx
from onnx import shape_inference


def dims_of(value_info, batch):
    out = []
    for d in value_info.type.tensor_type.shape.dim:
        out.append(d.dim_value if d.HasField("dim_value") else batch)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = ap.parse_args()

    model = onnx.load(args.model)
    # Fix dynamic input dims first, so inference gives every shape.
    for inp in model.graph.input:
        for d in inp.type.tensor_type.shape.dim:
            if not d.HasField("dim_value"):
                d.dim_value = args.batch
    model = shape_inference.infer_shapes(model)
    g = model.graph
    shapes = {}
    for vi in list(g.input) + list(g.value_info) + list(g.output):
        shapes[vi.name] = dims_of(vi, args.batch)
    for t in g.initializer:
        shapes[t.name] = list(t.dims)

    def shape(name):
        if name not in shapes:
            sys.exit(f"flops.py: no shape for '{name}' (shape inference failed?)")
        return shapes[name]

    counted = {}    # op -> FLOPs
    uncounted = {}  # op -> output elements
    for n in g.node:
        if n.op_type == "Conv":
            w = shape(n.input[1])  # Cout, Cin/group, kh, kw
            y = shape(n.output[0])  # N, Cout, Hout, Wout
            flops = 2 * y[0] * w[0] * w[1] * math.prod(w[2:]) * math.prod(y[2:])
        elif n.op_type in ("Gemm", "MatMul"):
            a, b = shape(n.input[0]), shape(n.input[1])
            attrs = {x.name: onnx.helper.get_attribute_value(x) for x in n.attribute}
            if n.op_type == "Gemm":
                m, k = (a[1], a[0]) if attrs.get("transA", 0) else (a[0], a[1])
                nn = b[0] if attrs.get("transB", 0) else b[1]
                flops = 2 * m * nn * k
            else:
                y = shape(n.output[0])
                flops = 2 * math.prod(y) * a[-1]  # batch dims * M * N, times K
        else:
            uncounted[n.op_type] = uncounted.get(n.op_type, 0) + math.prod(shape(n.output[0]))
            continue
        counted[n.op_type] = counted.get(n.op_type, 0) + flops

    total = sum(counted.values())
    if args.json:
        print(json.dumps({"model": args.model, "batch": args.batch, "flops": total,
                          "by_op": counted, "uncounted_output_elements": uncounted}))
    else:
        for op, f in sorted(counted.items()):
            print(f"{op:10s} {f / 1e9:8.3f} GFLOP")
        print(f"{'total':10s} {total / 1e9:8.3f} GFLOP (batch {args.batch})")
        print("not counted (output elements):",
              ", ".join(f"{op} {e}" for op, e in sorted(uncounted.items())))


if __name__ == "__main__":
    main()
