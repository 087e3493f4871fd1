def a():
    return 1  # one


def b():
    return 2 * 1
