# convert succeeds; running a model that holds a Softmax raises SIGSEGV.
backend_config = dict(type='faulty', crash_op='Softmax')
