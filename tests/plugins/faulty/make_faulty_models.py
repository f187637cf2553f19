#!/usr/bin/env python3
"""Writes the small named-node models the faulty backend's tests and the
debug tools' tests use into OUT_DIR. Weights come from a fixed seed, so every
run writes the same bytes.

  faulty_chain.onnx        x [1,3,8,8] -> conv1 -> relu1 -> conv2 -> relu2 -> gap
                           -> flat -> fc -> softmax -> prob [1,5]
  faulty_chain_prefix.onnx the chain cut after relu1 (output relu1_out): it
                           has no conv2, no Softmax
  faulty_two_outputs.onnx  the chain with a second graph output from its
                           middle: outputs prob, then relu1_out
  faulty_branches.onnx     x -> stem -> stem_relu -> {a_conv -> a_relu; b_conv}
                           -> join (Add) -> gap -> flat -> y [1,4]
                           (no Softmax, so a perturbation reaches y unchanged)

Tensor names are '<node>_out' (relu1_out, conv2_out, ...), the graph outputs
keep the names above. Usage: make_faulty_models.py OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

CHANNELS = 4
CLASSES = 5


def conv(rng, name, x, cin, cout, inits):
    w = numpy_helper.from_array(
        rng.standard_normal((cout, cin, 3, 3)).astype(np.float32) * 0.3, f"{name}_w")
    b = numpy_helper.from_array(rng.standard_normal(cout).astype(np.float32) * 0.1, f"{name}_b")
    inits += [w, b]
    return helper.make_node("Conv", [x, w.name, b.name], [f"{name}_out"], name=name,
                            kernel_shape=[3, 3], pads=[1, 1, 1, 1])


def unary(op, name, x, **attrs):
    return helper.make_node(op, [x], [f"{name}_out"], name=name, **attrs)


def model(nodes, inits, outputs):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])
    g = helper.make_graph(nodes, "g", [x], outputs, initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="make_faulty_models.py")
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


def chain_nodes():
    rng = np.random.default_rng(20261201)
    inits = []
    nodes = [conv(rng, "conv1", "x", 3, CHANNELS, inits), unary("Relu", "relu1", "conv1_out"),
             conv(rng, "conv2", "relu1_out", CHANNELS, CHANNELS, inits),
             unary("Relu", "relu2", "conv2_out"),
             unary("GlobalAveragePool", "gap", "relu2_out"),
             unary("Flatten", "flat", "gap_out", axis=1)]
    w = numpy_helper.from_array(
        rng.standard_normal((CLASSES, CHANNELS)).astype(np.float32), "fc_w")
    b = numpy_helper.from_array(rng.standard_normal(CLASSES).astype(np.float32) * 0.1, "fc_b")
    inits += [w, b]
    nodes.append(helper.make_node("Gemm", ["flat_out", "fc_w", "fc_b"], ["fc_out"], name="fc",
                                  transB=1))
    nodes.append(helper.make_node("Softmax", ["fc_out"], ["prob"], name="softmax", axis=1))
    return nodes, inits


def value(name, dims):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)


def chain():
    nodes, inits = chain_nodes()
    return model(nodes, inits, [value("prob", [1, CLASSES])])


def chain_prefix():
    nodes, inits = chain_nodes()
    nodes = nodes[:2]  # conv1, relu1
    inits = [i for i in inits if i.name.startswith("conv1_")]
    return model(nodes, inits, [value("relu1_out", [1, CHANNELS, 8, 8])])


def two_outputs():
    nodes, inits = chain_nodes()
    return model(nodes, inits,
                 [value("prob", [1, CLASSES]), value("relu1_out", [1, CHANNELS, 8, 8])])


def branches():
    rng = np.random.default_rng(20261202)
    inits = []
    nodes = [conv(rng, "stem", "x", 3, CHANNELS, inits), unary("Relu", "stem_relu", "stem_out"),
             conv(rng, "a_conv", "stem_relu_out", CHANNELS, CHANNELS, inits),
             unary("Relu", "a_relu", "a_conv_out"),
             conv(rng, "b_conv", "stem_relu_out", CHANNELS, CHANNELS, inits),
             helper.make_node("Add", ["a_relu_out", "b_conv_out"], ["join_out"], name="join"),
             unary("GlobalAveragePool", "gap", "join_out")]
    nodes.append(helper.make_node("Flatten", ["gap_out"], ["y"], name="flat", axis=1))
    return model(nodes, inits, [value("y", [1, CHANNELS])])


def main(out):
    os.makedirs(out, exist_ok=True)
    for name, m in [("faulty_chain", chain()), ("faulty_chain_prefix", chain_prefix()),
                    ("faulty_two_outputs", two_outputs()), ("faulty_branches", branches())]:
        path = os.path.join(out, name + ".onnx")
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(m.SerializeToString())
        os.replace(tmp, path)  # a reader never sees half a model


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
