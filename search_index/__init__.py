"""The full-text index: a Whoosh projection of the event log, searched in Swedish.

Whoosh stays behind this package's small interface (`SearchIndex`, `IndexFollower`,
`search`); nothing else in the project imports it.
"""

import os
import warnings

import numpy

if "NUMPY_MADVISE_HUGEPAGE" not in os.environ:
    # numpy asks Linux for huge pages for every large array. Where the kernel then compacts memory
    # on the fault (transparent_hugepage/defrag "madvise", as here), the index build's short-lived
    # arrays spent a third of its CPU waiting for it. NUMPY_MADVISE_HUGEPAGE=1 keeps numpy's default.
    numpy._core.multiarray._set_madvise_hugepage(False)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", SyntaxWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    import whoosh.analysis  # noqa: F401  (compiled once here, with 2.7.4's warnings silenced)
    import whoosh.codec.whoosh3  # noqa: F401
    import whoosh.lang.snowball.swedish  # noqa: F401
    import whoosh.qparser  # noqa: F401

from .store import IndexUnavailable, SearchIndex  # noqa: E402

__all__ = ["IndexUnavailable", "SearchIndex"]
