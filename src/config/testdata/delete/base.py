backend_config = dict(type='tensorrt', common_config=dict(a=1, b=2))
x = dict(l=[1, 2, 3], k='v')
