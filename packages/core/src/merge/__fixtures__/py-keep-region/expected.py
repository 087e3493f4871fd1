def connect(url, timeout=10):
    # <pdd-keep name="retry">
    retries = 5  # the proxy drops the first two
    # </pdd-keep>
    return open_connection(url, timeout=timeout)
