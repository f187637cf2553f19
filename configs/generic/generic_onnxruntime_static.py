_base_ = ['./generic_static.py', '../_base_/backends/onnxruntime.py']
