"""Gradient-boosted trees as package data: the learned parts of the splitter (the line model,
the title ranker) are stored in this one format and walked here, for all rows of a page at
once.

Each model is a directory of `segmenter/models/`: `trees.json` (the weights) and `meta.json`
(its provenance, as spaCy's `meta.json`: format version, feature names, hyperparameters, the
digests of the training data and of the rule data it was trained with, library versions and
its site-grouped cross-validated figures). Both are written by the training scripts in
scripts/ from scikit-learn's HistGradientBoostingClassifier. On load the meta is checked:
the feature names must be the code's, the weights must be the ones the meta describes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
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
    # The walk keeps node i as 2i, the index of its children: the arrays below are indexed so,
    # and a step saves the product 2 * node.
    _feature2: np.ndarray[Any, np.dtype[np.intp]] = field(init=False, repr=False)
    _threshold2: np.ndarray[Any, np.dtype[np.float64]] = field(init=False, repr=False)
    _children2: np.ndarray[Any, np.dtype[np.intp]] = field(init=False, repr=False)
    _value2: np.ndarray[Any, np.dtype[np.float64]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_feature2", np.repeat(self.feature, 2))
        object.__setattr__(self, "_threshold2", np.repeat(self.threshold, 2))
        object.__setattr__(self, "_children2", 2 * self.children)
        object.__setattr__(self, "_value2", np.repeat(self.value, 2))

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
        node = np.repeat(2 * self.roots[None, :], len(x), axis=0)  # doubled, see _feature2
        # take() rather than fancy indexing: the same gather with less overhead a call, which
        # is most of the cost on a page of a few dozen lines.
        for _ in range(self.depth):
            go_left = cells.take(offsets + self._feature2.take(node)) <= self._threshold2.take(node)
            node = self._children2.take(node + go_left)
        ratings: list[float] = (self.base + self._value2.take(node).sum(axis=1)).tolist()
        return ratings


FORMAT = 1  # of trees.json and meta.json; a model of another format is refused


def model_dir(name: str) -> Traversable:
    return resources.files("segmenter").joinpath("models", name)


@cache
def _checked(name: str) -> tuple[dict[str, Any], bytes]:
    """A model's meta.json and its weights file, read once and checked against each other."""
    folder = model_dir(name)
    try:
        meta = json.loads(folder.joinpath("meta.json").read_text("utf-8"))
        weights = folder.joinpath("trees.json").read_bytes()
    except (OSError, ValueError) as e:
        raise RulesError(f"model {name!r} cannot be read: {e}") from e
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise RulesError(f"model {name!r} is not of format {FORMAT}")
    if meta.get("trees_sha256") != hashlib.sha256(weights).hexdigest():
        raise RulesError(f"model {name!r}: trees.json is not the file its meta.json describes")
    return meta, weights


def load_meta(name: str) -> dict[str, Any]:
    """A model's meta.json, checked against its weights file."""
    return _checked(name)[0]


def rules_digest() -> str:
    """sha256 of the rule data (segmenter/rules/: every .json and .txt, by path): a model's
    features are computed by the rules, so its figures vouch for it only with the same rules."""
    h = hashlib.sha256()
    root = resources.files("segmenter").joinpath("rules")
    for path in sorted(_data_files(root, ""), key=lambda p: p[0]):
        h.update(path[0].encode("utf-8"))
        h.update(path[1].read_bytes())
    return h.hexdigest()


def _data_files(folder: Traversable, prefix: str) -> list[tuple[str, Traversable]]:
    out: list[tuple[str, Traversable]] = []
    for item in folder.iterdir():
        if item.is_dir():
            out += _data_files(item, f"{prefix}{item.name}/")
        elif item.name.endswith((".json", ".txt")):
            out.append((prefix + item.name, item))
    return out


@cache
def load(name: str, features: tuple[str, ...]) -> Trees:
    meta, weights = _checked(name)
    if meta.get("features") != list(features):
        raise RulesError(f"model {name!r} does not match this version's feature list")
    return from_json(json.loads(weights), features, name)


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
