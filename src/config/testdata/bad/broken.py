x = dict(
  a=1,
  b=open('f'))
