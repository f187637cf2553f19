_base_ = ['./base.py']
backend_config = dict(common_config=dict(_delete_=True, c=3))
x = dict(l=[9])
