# onnxruntime with no onnx_config names or opset: nothing for convert to warn about.
backend_config = dict(type='onnxruntime')
