def rate(amount):
    return round(amount * 0.1, 2)


def name():
    return "calculator"
