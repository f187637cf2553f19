# Any ONNX model, whatever its task: no fixed input or output names (None
# means the model's own, in the model's order), shapes as the model has them.
_base_ = ['../_base_/onnx_config.py']

codebase_config = dict(type='generic', task='Generic')

onnx_config = dict(input_names=None, output_names=None)
