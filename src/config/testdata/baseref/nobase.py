x = '{{_base_.a}}'
