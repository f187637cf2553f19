#!/usr/bin/python3
"""Writes the small ONNX models of the xnnpack backend tests (run from any
directory with Debian's /usr/bin/python3; numpy and onnx are enough).

ops_mix.onnx exercises every lowering the converter makes on one graph
(BN folding, grouped/depthwise conv, asymmetric pads, HardSigmoid,
HardSwish, Clip from Constant nodes, AveragePool, MaxPool with ceil_mode,
constant broadcasting, GlobalAveragePool, Flatten, Gemm, Softmax, a 4-D
graph output). The others are each refused for one reason.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)


def init(name, *shape, positive=False):
    a = rng.standard_normal(shape).astype(np.float32) * 0.5
    if positive:
        a = np.abs(a) + 0.5
    return numpy_helper.from_array(a, name)


def save(name, nodes, inputs, outputs, inits, opset=14):
    graph = helper.make_graph(nodes, name, inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, name + ".onnx"))


def f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def ops_mix():
    n = helper.make_node
    nodes = [
        n("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1], name="conv1"),
        n("BatchNormalization", ["c1", "s", "bb", "m", "v"], ["bn1"], epsilon=1e-3, name="bn1"),
        n("Relu", ["bn1"], ["r1"], name="relu1"),
        n("Conv", ["r1", "w2"], ["c2"], group=4, strides=[2, 2], pads=[1, 0, 1, 0], name="gconv"),
        n("HardSigmoid", ["c2"], ["hs"], alpha=0.2, beta=0.5, name="hsig"),
        n("Mul", ["c2", "hs"], ["mul"], name="mul"),
        n("AveragePool", ["mul"], ["ap"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], name="avg"),
        n("MaxPool", ["ap"], ["mp"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1, name="max"),
        n("Conv", ["mp", "w3", "b3"], ["dw"], group=8, pads=[1, 1, 1, 1], name="dwconv"),
        n("Constant", [], ["lo"], value=numpy_helper.from_array(np.array(-1.0, np.float32)), name="lo"),
        n("Constant", [], ["hi"], value=numpy_helper.from_array(np.array(6.0, np.float32)), name="hi"),
        n("Clip", ["dw", "lo", "hi"], ["cl"], name="clip"),
        n("HardSwish", ["cl"], ["sw"], name="hswish"),
        n("Add", ["sw", "k"], ["feat"], name="add_const"),
        n("GlobalAveragePool", ["feat"], ["g"], name="gap"),
        n("Flatten", ["g"], ["f"], name="flatten"),
        n("Gemm", ["f", "wg", "bg"], ["gm"], transB=1, alpha=0.5, beta=2.0, name="fc"),
        n("Softmax", ["gm"], ["prob"], axis=-1, name="softmax"),
    ]
    inits = [init("w1", 8, 4, 3, 3), init("b1", 8), init("s", 8), init("bb", 8), init("m", 8),
             init("v", 8, positive=True), init("w2", 8, 2, 3, 3), init("w3", 16, 1, 3, 3),
             init("b3", 16), init("k", 16, 1, 1), init("wg", 5, 16), init("bg", 5)]
    save("ops_mix", nodes, [f32("x", ["batch", 4, 9, 9])],
         [f32("prob", ["batch", 5]), f32("feat", ["batch", 16, 2, 2])], inits)


def flatten_fc():
    """Flatten / Reshape of [N, C, H, W] with H*W > 1 read only by a Gemm or
    MatMul: taken by permuting the FC weights to the NHWC row order."""
    n = helper.make_node
    nodes = [
        n("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1], name="conv"),
        n("Relu", ["c"], ["r"], name="relu"),
        n("Flatten", ["r"], ["f"], name="flatten"),
        n("Gemm", ["f", "wg", "bg"], ["fc"], transB=1, name="gemm"),
        n("Reshape", ["r", "shape"], ["rs"], name="reshape"),
        n("MatMul", ["rs", "wm"], ["mm"], name="matmul"),
    ]
    inits = [init("w", 4, 3, 3, 3), init("wg", 5, 256), init("bg", 5), init("wm", 256, 3),
             numpy_helper.from_array(np.array([0, -1], np.int64), "shape")]
    save("flatten_fc", nodes, [f32("x", ["batch", 3, 8, 8])],
         [f32("fc", ["batch", 5]), f32("mm", ["batch", 3])], inits)


def seq_ops():
    """Rank-3 MatMul, Softmax over the last axis, Reshape keeping the dynamic
    batch, Sub and Div with broadcast constants (opset 13)."""
    n = helper.make_node
    nodes = [n("MatMul", ["x", "w"], ["y"], name="matmul"),
             n("Softmax", ["y"], ["s"], axis=-1, name="softmax"),
             n("Reshape", ["s", "shape"], ["r"], name="reshape"),
             n("Sub", ["r", "k"], ["z"], name="sub"),
             n("Div", ["z", "k2"], ["out"], name="div")]
    inits = [init("w", 8, 3), numpy_helper.from_array(np.array([0, 15], np.int64), "shape"),
             init("k", 15), init("k2", 1, 15, positive=True)]
    save("seq_ops", nodes, [f32("x", ["batch", 5, 8])], [f32("out", ["batch", 15])], inits,
         opset=13)


def conv_model(name, inputs, extra_inits=(), **attrs):
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="the_conv", **attrs)
    inits = [init("w", 4, 3, 3, 3)] if "w" not in [i.name for i in inputs] else []
    save(name, [node], inputs, [f32("y", [1, 4, "h", "w"])], inits + list(extra_inits))


def main():
    ops_mix()
    flatten_fc()
    seq_ops()
    x = f32("x", [1, 3, 8, 8])
    conv_model("bad_dilations", [x], dilations=[2, 2])
    conv_model("bad_auto_pad", [x], auto_pad="SAME_UPPER")
    conv_model("bad_dynamic_weight", [x, f32("w", [4, 3, 3, 3])])
    # Flatten of [N, C, H, W] with H*W > 1: NHWC order differs, no transpose here.
    save("bad_flatten", [helper.make_node("Conv", ["x", "w"], ["y"], name="conv"),
                         helper.make_node("Flatten", ["y"], ["f"], name="the_flatten")],
         [x], [f32("f", [1, 144])], [init("w", 4, 3, 3, 3)])


if __name__ == "__main__":
    main()
