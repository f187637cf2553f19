_base_ = ['./classification_static.py', '../_base_/backends/onnxruntime-fp16.py']
