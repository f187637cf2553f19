# convert fails on any model holding a Softmax (faulty_chain.onnx: node 'softmax').
backend_config = dict(type='faulty', fail_op='Softmax')
