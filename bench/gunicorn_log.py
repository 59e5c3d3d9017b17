"""gunicorn's logger with one more access-log atom, ``%(E)s``: when the response ended.

gunicorn's own ``%(t)s`` has one-second resolution; ``bench/site.py --mix`` needs to place
each render between two publishes (content generations) to tell a second render of one page
for one generation from a legitimate one, and a publish comes every 10 s.
"""

import time

from gunicorn.glogging import Logger


class TimedLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["E"] = f"{time.time():.4f}"
        return atoms
