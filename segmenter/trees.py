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


@dataclass(frozen=True, slots=True, eq=False)
class Trees:
    """Trees stored as padded node arrays (trees x nodes): a leaf points to itself, so every
    row takes `depth` steps in every tree and a page costs a handful of array operations."""

    feature: np.ndarray[Any, np.dtype[np.intp]]
    threshold: np.ndarray[Any, np.dtype[np.float64]]
    left: np.ndarray[Any, np.dtype[np.intp]]
    right: np.ndarray[Any, np.dtype[np.intp]]
    value: np.ndarray[Any, np.dtype[np.float64]]
    depth: int
    base: float

    def logits(self, vectors: Sequence[Sequence[float]]) -> list[float]:
        """The log-odds of the positive class for each row."""
        if not vectors:
            return []
        x = np.asarray(vectors, dtype=np.float64)
        rows = np.arange(len(x))[:, None]
        trees = np.arange(self.feature.shape[0])[None, :]
        node = np.zeros((len(x), self.feature.shape[0]), dtype=np.intp)
        for _ in range(self.depth):
            go_left = x[rows, self.feature[trees, node]] <= self.threshold[trees, node]
            node = np.where(go_left, self.left[trees, node], self.right[trees, node])
        return [float(v) for v in self.base + self.value[trees, node].sum(axis=1)]


@cache
def load(name: str, features: tuple[str, ...]) -> Trees:
    raw = resources.files("segmenter").joinpath(f"rules/{name}").read_text("utf-8")
    return from_json(json.loads(raw), features, name)


def from_json(data: dict[str, Any], features: Sequence[str], name: str = "model") -> Trees:
    if data.get("features") != list(features):
        raise RulesError(f"{name} does not match this version's feature list")
    try:
        trees = data["trees"]
        width = max(len(t["feature"]) for t in trees)

        def column(key: str, pad: float) -> list[list[float]]:
            return [t[key] + [pad] * (width - len(t[key])) for t in trees]

        return Trees(
            feature=np.array(column("feature", 0), dtype=np.intp),
            threshold=np.array(column("threshold", 0.0), dtype=np.float64),
            left=np.array(column("left", 0), dtype=np.intp),
            right=np.array(column("right", 0), dtype=np.intp),
            value=np.array(column("value", 0.0), dtype=np.float64),
            depth=int(data["depth"]),
            base=float(data["base"]),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise RulesError(f"{name} is malformed: {e}") from e
