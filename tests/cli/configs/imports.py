import os
backend_config = dict(type='onnxruntime')
