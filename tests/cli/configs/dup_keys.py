_base_ = ['./dup_base_1.py', './dup_base_2.py']
