"""Evidently, imported for the drift report (the "monitoring" extra).

Evidently 0.7 (the latest) still imports `infer_dtype_from_object`, which pandas 3 removed: it is given back
here, as the one-line function pandas 2 had, before Evidently is imported. Its import and its runs also raise
deprecation warnings from plotly and pandas that are not ours to fix: they are silenced around those calls
only. Remove this shim once Evidently supports pandas 3.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _restore_pandas_helper() -> None:
    import pandas.core.dtypes.common as common
    from pandas.api.types import pandas_dtype

    if not hasattr(common, "infer_dtype_from_object"):
        common.infer_dtype_from_object = lambda dtype: pandas_dtype(dtype).type


def load() -> Any:
    """The evidently module, ready to use (raises ImportError naming the extra when it is not installed)."""
    _restore_pandas_helper()
    try:
        with quiet():
            import evidently
            import evidently.metrics
            import evidently.presets
    except ImportError as exc:
        raise ImportError("drift reports need Evidently: pip install 'pret-a-depenser-credit[monitoring]'") from exc
    return evidently
