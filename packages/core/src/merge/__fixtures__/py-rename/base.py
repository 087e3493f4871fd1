def add(a, b):
    result = a + b
    return result


def double(x):
    return add(x, x)
