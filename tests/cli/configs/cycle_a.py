_base_ = ['./cycle_b.py']
backend_config = dict(type='onnxruntime')
