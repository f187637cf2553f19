# Disagrees with static.onnx (opset 13, static dims) on purpose.
backend_config = dict(type='onnxruntime')
onnx_config = dict(opset_version=17, dynamic_axes=dict(x={0: 'batch'}))
