backend_config = dict(type='tensorrt')
