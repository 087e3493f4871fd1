def connect(url):
    # <pdd-keep name="retry">
    retries = 3
    # </pdd-keep>
    return open_connection(url)
