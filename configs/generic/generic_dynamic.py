# Any ONNX model with a dynamic batch axis. dynamic_axes uses MMDeploy's list
# form: entries pair with the model's inputs, then its outputs, in order; this
# one marks axis 0 of the first input as the batch (the model's own symbolic
# dims decide what really is dynamic).
_base_ = ['./generic_static.py']

onnx_config = dict(dynamic_axes=[{0: 'batch'}])
