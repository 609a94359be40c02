"""User text into matplotlib, literally: a '$' in a name must print as '$'.

Matplotlib reads text between two '$' as mathtext ("Hub A ($2m) and B ($3m)" loses its
dollars and italicises the words between). No figure of ours uses mathtext, so every
drawing of user text runs inside ``plain_text()`` (or a function wrapped by ``plain``).
"""
from __future__ import annotations

import functools

import matplotlib

PLAIN = {"text.parse_math": False, "text.usetex": False}


def plain_text():
    """Context in which new matplotlib text is never parsed as mathtext or TeX."""
    return matplotlib.rc_context(PLAIN)


def plain(fn):
    """Decorator: ``fn`` draws with ``plain_text()`` in force."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with plain_text():
            return fn(*args, **kwargs)
    return wrapper
