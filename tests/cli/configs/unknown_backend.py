backend_config = dict(type='nosuchbackend')
