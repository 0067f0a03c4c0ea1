"""CatBoost's hash of a category string: what a model's one-hot splits compare with.

The hash depends on the string alone, not on a model, so client_feature stores it next to each row's categories
(computed once, at feature time) and scoring a stored client reads four fixed-width byte strings instead of an
array of strings. New applications hash their categories when they are scored. A missing category is hashed as
the placeholder the models were trained with (credit_core.model.MISSING_CATEGORY).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np
from catboost import Pool

from credit_core.model import MISSING_CATEGORY

HASH_DTYPE = np.dtype("<i4")  # one-hot split values are the low 32 bits, signed
MAX_CACHED = 100_000


def catboost_hashes(values: Sequence[str]) -> dict[str, int]:
    """CatBoost's hash of each string as its model files store one-hot split values: the low 32 bits (signed)
    of CityHash64, which CatBoost also uses for group ids, so it hands it out through Pool.get_group_id_hash."""
    if not values:
        return {}
    hashed = Pool(np.zeros((len(values), 1)), group_id=list(values)).get_group_id_hash()
    return {text: int(np.uint64(h) & np.uint64(0xFFFFFFFF)) - (1 << 32) * bool(int(h) & 0x80000000)
            for text, h in zip(values, hashed, strict=True)}


class CategoryHasher:
    """Rows of categories (None = missing) to a (rows, columns) int32 matrix of their hashes. Hashes each
    distinct string once through CatBoost, then from a cache (category vocabularies are small)."""

    def __init__(self, missing: str = MISSING_CATEGORY) -> None:
        self.missing = missing
        self._hashes: dict[str | None, int] = {}

    def hash_rows(self, rows: Sequence[Sequence[str | None]], width: int) -> np.ndarray:
        flat = list(chain.from_iterable(rows))
        if len(flat) != len(rows) * width:
            raise ValueError(f"every row must hold {width} categories")
        lookup = self._hashes.__getitem__
        try:
            hashes = np.fromiter(map(lookup, flat), dtype=HASH_DTYPE, count=len(flat))
        except KeyError:  # strings not hashed yet: hash every new one at once, then look up again
            self._learn(set(flat) - self._hashes.keys())
            hashes = np.fromiter(map(lookup, flat), dtype=HASH_DTYPE, count=len(flat))
        return hashes.reshape(len(rows), width)

    def _learn(self, new: set[str | None]) -> None:
        if len(self._hashes) > MAX_CACHED:  # never grow unbounded on adversarial input
            self._hashes.clear()
        hashed = catboost_hashes(sorted({value for value in new if value is not None} | {self.missing}))
        self._hashes.update(hashed)
        self._hashes[None] = hashed[self.missing]
