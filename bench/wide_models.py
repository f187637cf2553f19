#!/usr/bin/python3
"""Writes "wide" ONNX models (very many inputs or outputs) for nnport's
scaling checks (docs/performance.md, "Wide models") and its CLI test.

  wide_inputs.onnx   N float inputs x0..x{N-1}, shape [1] each
                     -> Concat(axis 0) -> 'all' [N] -> ReduceSum -> 'sum' [1]
  wide_chain.onnx    the same N inputs, summed by a chain of N - 1 Add nodes
                     (s1 = x0 + x1, s<i> = s<i-1> + x<i>) -> 'sum' [1]: as many
                     nodes as inputs
  wide_outputs.onnx  one float input 'x' [N] -> Split -> N outputs y0..y{N-1}
                     of shape [1] (y_i = x[i])

With --inputs DIR it also writes a --input-dir folder for the first two:
DIR/x<i>.npy holding (i % 97) / 8 - 6 (exact in float32), and
OUT_DIR/sum.npy, the sum of those values computed here with numpy in
float64 (the reference a test compares nnport's output with).

Usage: wide_models.py OUT_DIR N [--inputs DIR] [--only inputs|chain|outputs]
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper


def model(graph):
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="wide_models.py")
    m.ir_version = 8
    return m


def wide_inputs(n):
    names = [f"x{i}" for i in range(n)]
    inputs = [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1]) for x in names]
    nodes = [helper.make_node("Concat", names, ["all"], axis=0, name="concat"),
             helper.make_node("ReduceSum", ["all"], ["sum"], keepdims=1, name="sum")]
    out = helper.make_tensor_value_info("sum", TensorProto.FLOAT, [1])
    return model(helper.make_graph(nodes, "wide_inputs", inputs, [out]))


def wide_chain(n):
    names = [f"x{i}" for i in range(n)]
    inputs = [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1]) for x in names]
    nodes, acc = [], names[0]
    for i in range(1, n):
        out = "sum" if i == n - 1 else f"s{i}"
        nodes.append(helper.make_node("Add", [acc, names[i]], [out], name=f"add{i}"))
        acc = out
    out = helper.make_tensor_value_info("sum", TensorProto.FLOAT, [1])
    return model(helper.make_graph(nodes, "wide_chain", inputs, [out]))


def wide_outputs(n):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [n])
    names = [f"y{i}" for i in range(n)]
    outputs = [helper.make_tensor_value_info(y, TensorProto.FLOAT, [1]) for y in names]
    nodes = [helper.make_node("Split", ["x"], names, axis=0, name="split")]
    return model(helper.make_graph(nodes, "wide_outputs", [x], outputs))


def input_values(n):
    return (np.arange(n) % 97).astype(np.float32) / 8 - 6


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out_dir")
    p.add_argument("n", type=int)
    p.add_argument("--inputs", metavar="DIR", help="also write .npy inputs and sum.npy here")
    p.add_argument("--only", choices=["inputs", "chain", "outputs"])
    a = p.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    for kind, make in (("inputs", wide_inputs), ("chain", wide_chain), ("outputs", wide_outputs)):
        if a.only in (None, kind):
            onnx.save(make(a.n), os.path.join(a.out_dir, f"wide_{kind}.onnx"))
    if a.inputs:
        os.makedirs(a.inputs, exist_ok=True)
        values = input_values(a.n)
        for i, v in enumerate(values):
            np.save(os.path.join(a.inputs, f"x{i}.npy"), np.array([v], dtype=np.float32))
        total = np.array([values.astype(np.float64).sum()])
        np.save(os.path.join(a.out_dir, "sum.npy"), total.astype(np.float32))


if __name__ == "__main__":
    main()
