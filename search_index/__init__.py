"""The full-text index: a Whoosh projection of the event log, searched in Swedish.

Whoosh stays behind this package's small interface (`SearchIndex`, `IndexFollower`,
`search`); nothing else in the project imports it.
"""

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", SyntaxWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    import whoosh.analysis  # noqa: F401  (compiled once here, with 2.7.4's warnings silenced)
    import whoosh.codec.whoosh3  # noqa: F401
    import whoosh.lang.snowball.swedish  # noqa: F401
    import whoosh.qparser  # noqa: F401

from .store import IndexUnavailable, SearchIndex  # noqa: E402

__all__ = ["IndexUnavailable", "SearchIndex"]
