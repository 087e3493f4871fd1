def parse(text):
    text = text.strip().lower()
    parts = text.split(",")
    values = [int(p) for p in parts]
    total = sum(values)
    return total
