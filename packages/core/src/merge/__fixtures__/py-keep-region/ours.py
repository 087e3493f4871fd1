def connect(url):
    # <pdd-keep name="retry">
    retries = 5  # the proxy drops the first two
    # </pdd-keep>
    return open_connection(url)
