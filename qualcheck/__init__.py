"""qualcheck: find rewritten press releases, typos and names spelled two ways in news articles.

>>> import qualcheck
>>> report = qualcheck.audit(["samples/articles"], corpus=["samples/corpus"])  # doctest: +SKIP
>>> report.findings.head()  # a pandas DataFrame, one row per finding  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["audit", "__version__"]

if TYPE_CHECKING:
    from qualcheck.api import AuditReport


def audit(paths: Any, corpus: Any = None, **options: Any) -> AuditReport:
    """Audit ``paths`` against ``corpus``; see :func:`qualcheck.api.audit`."""
    from qualcheck.api import audit as _audit

    return _audit(paths, corpus=corpus, **options)
