def plus(a, b):
    """Sum of a and b."""
    result = a + b
    return result


def double(x):
    return plus(x, x)
