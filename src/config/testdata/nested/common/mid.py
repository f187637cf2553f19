_base_ = ['./deeper/leaf.yaml', '../other/extra.json']
codebase_config = dict(type='generic', task='Generic')
