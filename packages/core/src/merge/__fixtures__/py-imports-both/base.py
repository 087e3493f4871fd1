import os


def home():
    return os.environ["HOME"]
