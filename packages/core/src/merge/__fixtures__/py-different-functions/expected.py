def add(a, b):
    # callers pass strings sometimes
    return float(a) + float(b)


def sub(a, b):
    """Subtract b from a."""
    return a - b
