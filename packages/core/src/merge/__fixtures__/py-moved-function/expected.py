def main(values):
    return [helper(v) for v in values]


def report(values):
    return "; ".join(str(v) for v in values)


def helper(x):
    """Double x."""
    return x * 2
