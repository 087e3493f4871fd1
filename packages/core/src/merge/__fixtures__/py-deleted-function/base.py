def keep():
    return 1


def legacy():
    return 2


def other():
    return 3
