def connect(url, timeout=10):
    return open_connection(url, timeout=timeout)
