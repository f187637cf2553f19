# Image classification with fixed shapes (MMDeploy's mmpretrain codebase).
_base_ = ['../_base_/onnx_config.py']

codebase_config = dict(type='mmpretrain', task='Classification')
