backend_config = dict(type='onnxruntime'
onnx_config = dict(opset_version=11)
