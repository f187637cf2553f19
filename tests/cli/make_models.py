#!/usr/bin/env python3
"""Writes the small models the CLI safety tests need into OUT_DIR.

Each is a float MLP-sized graph built by hand with onnx.helper, so the tests
do not depend on PyTorch. Broken ones are broken in exactly one way:
  opset99.onnx        ai.onnx opset 99 (no runtime knows it)
  unknown_op.onnx     an op type no opset defines
  custom_domain.onnx  an op in a domain no backend here implements
  cycle.onnx          two nodes that feed each other
  undefined_input.onnx a node input nothing produces
  short_initializer.onnx an initializer with fewer values than its dims say
  static.onnx         a valid model with static dims (x: [1, 4] -> y)
  dynamic.onnx        the same with a dynamic batch
  collide.onnx        two outputs named 'a/b' and 'a_b'
  external/model.onnx weights as external data in external/weights.bin
  unsafe_abs/model.onnx, unsafe_up/model.onnx, unsafe_link/model.onnx:
                      external data whose location is absolute, leaves the
                      model's folder with ../, or is a symlink to outside
  missing_data/model.onnx external data whose file is absent
  external_short/model.onnx external data whose file is 8 bytes short
Usage: make_models.py OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def graph_model(nodes, inits, inputs, outputs, opset=13, domains=()):
    g = helper.make_graph(nodes, "g", inputs, outputs, initializer=inits)
    imports = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, 1) for d in domains]
    m = helper.make_model(g, opset_imports=imports, producer_name="make_models.py")
    m.ir_version = 8
    return m


def mlp(batch=1, opset=13):
    w = numpy_helper.from_array(np.arange(16, dtype=np.float32).reshape(4, 4) / 16, "w")
    b = numpy_helper.from_array(np.ones(4, dtype=np.float32), "b")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, 4])
    nodes = [helper.make_node("MatMul", ["x", "w"], ["t"], name="matmul"),
             helper.make_node("Add", ["t", "b"], ["y"], name="add")]
    return graph_model(nodes, [w, b], [x], [y], opset=opset)


def save(m, path, check=False):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    if check:
        onnx.checker.check_model(m)
    with open(path, "wb") as f:
        f.write(m.SerializeToString())


def main(out):
    os.makedirs(out, exist_ok=True)
    save(mlp(), f"{out}/static.onnx", check=True)
    save(mlp(batch="N"), f"{out}/dynamic.onnx", check=True)
    save(mlp(opset=99), f"{out}/opset99.onnx")

    m = mlp()
    m.graph.node[1].op_type = "NoSuchOp"
    save(m, f"{out}/unknown_op.onnx")

    m = mlp()
    m.graph.node[1].domain = "com.example.custom"
    m.opset_import.append(helper.make_opsetid("com.example.custom", 1))
    save(m, f"{out}/custom_domain.onnx")

    m = mlp()  # add reads y, which add itself makes: a cycle through 'matmul'
    m.graph.node[0].input[0] = "y"
    save(m, f"{out}/cycle.onnx")

    m = mlp()
    m.graph.node[1].input[1] = "nothing_makes_this"
    save(m, f"{out}/undefined_input.onnx")

    m = mlp()
    m.graph.initializer[1].raw_data = np.ones(2, dtype=np.float32).tobytes()  # dims say 4
    save(m, f"{out}/short_initializer.onnx")

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])
    o1 = helper.make_tensor_value_info("a/b", TensorProto.FLOAT, [2])
    o2 = helper.make_tensor_value_info("a_b", TensorProto.FLOAT, [2])
    nodes = [helper.make_node("Neg", ["x"], ["a/b"]), helper.make_node("Abs", ["x"], ["a_b"])]
    save(graph_model(nodes, [], [x], [o1, o2]), f"{out}/collide.onnx", check=True)

    m = mlp()
    os.makedirs(f"{out}/external", exist_ok=True)
    onnx.save_model(m, f"{out}/external/model.onnx", save_as_external_data=True,
                    all_tensors_to_one_file=True, location="weights.bin", size_threshold=0)

    def external_with(folder, location):
        m = onnx.load(f"{out}/external/model.onnx", load_external_data=False)
        for t in m.graph.initializer:
            for e in t.external_data:
                if e.key == "location":
                    e.value = location
        save(m, f"{out}/{folder}/model.onnx")

    secret = os.path.abspath(f"{out}/outside_secret.bin")
    with open(f"{out}/external/weights.bin", "rb") as f, open(secret, "wb") as g:
        g.write(f.read())
    external_with("unsafe_abs", secret)
    external_with("unsafe_up", "../outside_secret.bin")
    external_with("unsafe_link", "weights.bin")
    link = f"{out}/unsafe_link/weights.bin"
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(secret, link)
    external_with("missing_data", "weights.bin")
    external_with("external_short", "weights.bin")  # its data file cut short
    with open(f"{out}/external/weights.bin", "rb") as f:
        data = f.read()
    with open(f"{out}/external_short/weights.bin", "wb") as f:
        f.write(data[: len(data) - 8])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
