# convert succeeds; running a model that holds the node conv2 raises SIGSEGV.
backend_config = dict(type='faulty', crash_node='conv2')
