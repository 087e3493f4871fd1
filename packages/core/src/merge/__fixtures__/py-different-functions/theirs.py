def add(a, b):
    return a + b


def sub(a, b):
    """Subtract b from a."""
    return a - b
