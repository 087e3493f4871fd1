def keep():
    return 1


def other():
    return 3
