_base_ = 1
