_base_ = ['./broken.py']
