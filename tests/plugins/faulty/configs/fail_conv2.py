# convert fails on a model holding the node named conv2.
backend_config = dict(type='faulty', fail_node='conv2')
