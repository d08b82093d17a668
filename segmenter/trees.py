"""Gradient-boosted trees as package data: the learned parts of the splitter (the line model,
the title ranker) are stored in this one format and walked here, for all rows of a page at
once. The files are written by the training scripts in scripts/ from scikit-learn's
HistGradientBoostingClassifier; they name their feature list, which must match the code's."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from .errors import RulesError

_BLOCK = 1024  # rows walked at once


@dataclass(frozen=True, slots=True, eq=False)
class Trees:
    """All nodes of all trees in flat arrays, children as indexes into them. A leaf points to
    itself, so every row takes `depth` steps in every tree, and a page costs a handful of
    array operations whatever its length."""

    feature: np.ndarray[Any, np.dtype[np.intp]]
    threshold: np.ndarray[Any, np.dtype[np.float64]]
    # Node i's children at 2i (when its test fails) and 2i + 1 (when it holds, "go left"):
    # one gather a step instead of two and a select.
    children: np.ndarray[Any, np.dtype[np.intp]]
    value: np.ndarray[Any, np.dtype[np.float64]]
    roots: np.ndarray[Any, np.dtype[np.intp]]
    depth: int
    base: float

    def logits(
        self, vectors: np.ndarray[Any, np.dtype[np.float64]] | Sequence[Sequence[float]]
    ) -> list[float]:
        """The log-odds of the positive class for each row."""
        ratings: list[float] = []
        # In blocks, so that the (rows x trees) node matrix stays small on a huge page.
        for lo in range(0, len(vectors), _BLOCK):
            ratings.extend(self._logits(np.asarray(vectors[lo : lo + _BLOCK], dtype=np.float64)))
        return ratings

    def _logits(self, x: np.ndarray[Any, np.dtype[np.float64]]) -> list[float]:
        cells = x.ravel()
        offsets = (np.arange(len(x)) * x.shape[1])[:, None]
        node = np.repeat(self.roots[None, :], len(x), axis=0)
        # take() rather than fancy indexing: the same gather with less overhead a call, which
        # is most of the cost on a page of a few dozen lines.
        for _ in range(self.depth):
            go_left = cells.take(offsets + self.feature.take(node)) <= self.threshold.take(node)
            node = self.children.take(2 * node + go_left)
        ratings: list[float] = (self.base + self.value.take(node).sum(axis=1)).tolist()
        return ratings


@cache
def load(name: str, features: tuple[str, ...]) -> Trees:
    raw = resources.files("segmenter").joinpath(f"rules/{name}").read_text("utf-8")
    return from_json(json.loads(raw), features, name)


def from_json(data: dict[str, Any], features: Sequence[str], name: str = "model") -> Trees:
    if data.get("features") != list(features):
        raise RulesError(f"{name} does not match this version's feature list")
    try:
        trees = data["trees"]
        sizes = [len(t["feature"]) for t in trees]
        roots = np.cumsum([0, *sizes[:-1]]).astype(np.intp)

        def flat(key: str) -> list[Any]:
            return [v for t in trees for v in t[key]]

        def linked(key: str) -> np.ndarray[Any, np.dtype[np.intp]]:
            local = [
                np.asarray(t[key], dtype=np.intp) + root
                for t, root in zip(trees, roots, strict=True)
            ]
            return np.concatenate(local)

        feature = np.asarray(flat("feature"), dtype=np.intp)
        if len(feature) and (feature.min() < 0 or feature.max() >= len(features)):
            raise ValueError("a node reads a feature that is not in the list")
        return Trees(
            feature=feature,
            threshold=np.asarray(flat("threshold"), dtype=np.float64),
            children=np.stack([linked("right"), linked("left")], axis=1).ravel(),
            value=np.asarray(flat("value"), dtype=np.float64),
            roots=roots,
            depth=int(data["depth"]),
            base=float(data["base"]),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise RulesError(f"{name} is malformed: {e}") from e
