_base_ = './base.py'
x = {{_base_.nope.deeper}}
