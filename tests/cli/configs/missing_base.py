_base_ = ['./does_not_exist.py']
backend_config = dict(type='onnxruntime')
