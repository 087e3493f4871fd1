def plus(a, b):
    result = a + b
    return result


def double(x):
    return plus(x, x)
