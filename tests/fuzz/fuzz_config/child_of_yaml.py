_base_ = './cfg.json'
onnx_config = dict(dynamic_axes=dict(_delete_=True, output={0: 'batch'}))
