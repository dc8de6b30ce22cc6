"""Running the blog for years on several machines: logs, request ids, metrics, the server.

Nothing is imported here, so any module (the page cache, for one) may import ``counters``
without pulling in the rest.
"""
