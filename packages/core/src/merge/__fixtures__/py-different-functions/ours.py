def add(a, b):
    # callers pass strings sometimes
    return float(a) + float(b)


def sub(a, b):
    return a - b
