"""One sha256 over everything the pipeline says about a corpus: the check that a speed-up
changed no output.

    python scripts/digest_outputs.py [../shared/eval/dev.jsonl.gz ...] [--jobs 2]

Every record's text goes through `segmenter.segment` (with its id and url, as `segmenter
eval` does) under three settings: the defaults, `Options(explain=True)` (which also names the
rule or score behind every line's fate), and the defaults under the phrase ablation
`ruleset.configure(phrase_ablation=0.5)`. Each result's `to_dict()` is serialised as canonical
JSON (sorted keys, no spaces), a refusal as its error class; the digests are printed per
setting and file, then one over them all. Settings run in worker processes (the ablation is
process-wide state), `--jobs` at a time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

DEFAULT_FILES = [
    "/work/shared/eval/dev.jsonl.gz",
    "/work/shared/eval/dev-bs4.jsonl.gz",
    "/work/shared/eval/dev-markdown.jsonl.gz",
]
SETTINGS = ("default", "explain", "ablation-0.5")


def digest_file(setting: str, path: str) -> tuple[str, str, str, int]:
    from segmenter import ruleset
    from segmenter.errors import SegmenterError
    from segmenter.evaluate import read_jsonl
    from segmenter.options import Options
    from segmenter.pipeline import segment

    ruleset.configure(phrase_ablation=0.5 if setting == "ablation-0.5" else 0.0, seed=0)
    options = Options(explain=setting == "explain")
    h = hashlib.sha256()
    records = read_jsonl(path)
    for record in records:
        try:
            out: object = segment(
                record.get("text") or "",
                options,
                id=str(record["id"]),
                url=record.get("url") or None,
            ).to_dict()
        except SegmenterError as exc:
            out = {"error": type(exc).__name__}
        h.update(json.dumps(out, sort_keys=True, separators=(",", ":")).encode())
        h.update(b"\n")
    return setting, path, h.hexdigest(), len(records)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", default=DEFAULT_FILES)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    jobs = [(s, f) for s in SETTINGS for f in args.files]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(digest_file, *zip(*jobs, strict=True)))
    total = hashlib.sha256()
    for setting, path, digest, n in results:
        print(f"{setting:<14}{Path(path).name:<26}{n:>6}  {digest}")
        total.update(f"{setting}\0{Path(path).name}\0{digest}\n".encode())
    print(f"{'all':<14}{'':<26}{sum(r[3] for r in results):>6}  {total.hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
