_base_ = './self.py'
