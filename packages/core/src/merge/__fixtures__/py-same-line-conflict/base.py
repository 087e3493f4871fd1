def rate(amount):
    return amount * 0.1


def name():
    return "calc"
