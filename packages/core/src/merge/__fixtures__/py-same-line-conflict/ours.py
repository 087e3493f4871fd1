def rate(amount):
    return amount * 0.15


def name():
    return "calc"
