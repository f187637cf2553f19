#!/usr/bin/python3
"""Write the tiny ONNX fixtures of src/onnx's tests (committed; rerun to regenerate).

Usage: /usr/bin/python3 src/onnx/testdata/make_fixtures.py [OUT_DIR]  (default: this folder)
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
OPSET = [helper.make_opsetid("", 13)]


def save(model, name, check=True):
    if check:
        onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name))


def undefined_input():
    """Add_1 reads 'ghost', which nothing defines: the checker must reject it."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])
    nodes = [helper.make_node("Relu", ["x"], ["r"], name="Relu_0"),
             helper.make_node("Add", ["r", "ghost"], ["y"], name="Add_1")]
    g = helper.make_graph(nodes, "undefined_input", [x], [y])
    save(helper.make_model(g, opset_imports=OPSET, producer_name="nnport-fixture"),
         "undefined_input.onnx", check=False)


def blank_output_shape():
    """MatMul [N,4]x[4,3] then Relu; output "y" declared with rank 2, no dims known."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, None])
    w = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(4, 3), "w")
    nodes = [helper.make_node("MatMul", ["x", "w"], ["m"], name="MatMul_0"),
             helper.make_node("Relu", ["m"], ["y"], name="Relu_1")]
    g = helper.make_graph(nodes, "blank_output_shape", [x], [y], initializer=[w])
    save(helper.make_model(g, opset_imports=OPSET, producer_name="nnport-fixture"),
         "blank_output_shape.onnx")


def odd_types():
    """Inputs of types nnport has no DType for (string, bfloat16) plus uint8 and
    an unnamed dynamic dim; an initializer listed among graph inputs (old style)."""
    ins = [helper.make_tensor_value_info("text", TensorProto.STRING, [3]),
           helper.make_tensor_value_info("bf", TensorProto.BFLOAT16, ["B", 2]),
           helper.make_tensor_value_info("u8", TensorProto.UINT8, [None, 5]),
           helper.make_tensor_value_info("w", TensorProto.FLOAT, [5])]
    outs = [helper.make_tensor_value_info("text_out", TensorProto.STRING, [3]),
            helper.make_tensor_value_info("bf_out", TensorProto.BFLOAT16, ["B", 2]),
            helper.make_tensor_value_info("u8_out", TensorProto.UINT8, [None, 5])]
    w = numpy_helper.from_array(np.ones(5, dtype=np.float32), "w")
    nodes = [helper.make_node("Identity", ["text"], ["text_out"], name="Id_text"),
             helper.make_node("Identity", ["bf"], ["bf_out"], name="Id_bf"),
             helper.make_node("Identity", ["u8"], ["u8_out"], name="Id_u8")]
    g = helper.make_graph(nodes, "odd_types", ins, outs, initializer=[w])
    save(helper.make_model(g, opset_imports=OPSET, producer_name="nnport-fixture",
                           producer_version="1.0"), "odd_types.onnx")


def external_data():
    """y = x + w with w stored in external_data.bin beside the model."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])
    w = numpy_helper.from_array(np.array([1, 2, 3, 4], dtype=np.float32), "w")
    g = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"], name="Add_0")],
                          "external_data", [x], [y], initializer=[w])
    m = helper.make_model(g, opset_imports=OPSET, producer_name="nnport-fixture")
    bin_path = os.path.join(OUT, "external_data.bin")
    if os.path.exists(bin_path):
        os.remove(bin_path)  # onnx appends to an existing data file
    onnx.external_data_helper.convert_model_to_external_data(
        m, all_tensors_to_one_file=True, location="external_data.bin", size_threshold=0)
    onnx.save(m, os.path.join(OUT, "external_data.onnx"))


def no_opset():
    """A graph but no opset_import: loaders must refuse it."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])
    g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "no_opset", [x], [y])
    m = helper.make_model(g, producer_name="nnport-fixture")
    del m.opset_import[:]
    save(m, "no_opset.onnx", check=False)


def no_graph():
    """ir_version and opset but no graph."""
    m = onnx.ModelProto()
    m.ir_version = 8
    m.opset_import.extend(OPSET)
    save(m, "no_graph.onnx", check=False)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for f in (undefined_input, blank_output_shape, odd_types, external_data, no_opset, no_graph):
        f()
    print("fixtures written to", OUT)
