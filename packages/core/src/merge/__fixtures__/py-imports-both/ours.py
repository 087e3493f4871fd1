import os
import re


def home():
    return re.sub("/+$", "", os.environ["HOME"])
