"""Where the pipeline's time goes: cProfile over pages each segmented once.

    python scripts/profile_pages.py [../shared/eval/dev.jsonl.gz] [--limit 200] [--top 40]
        [--sort tottime|cumtime] [--out profile.pstats]

The rules, models and language profiles are loaded before the profile starts (as the service
does at start-up), so the figures are those of a running service's pages; each page is seen
once, as `segmenter bench` sees it.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time

from segmenter.bench import load_pages
from segmenter.options import Options
from segmenter.pipeline import segment, warm_up


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", default="/work/shared/eval/dev.jsonl.gz")
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumtime"))
    parser.add_argument("--out", help="also write the raw pstats here")
    args = parser.parse_args()
    pages, source = load_pages(args.data, args.limit)
    options = Options()
    warm_up()
    started = time.perf_counter()
    for page in pages:
        segment(page, options)
    plain = time.perf_counter() - started
    print(f"{len(pages)} pages of {source}: {len(pages) / plain:.1f} docs/s unprofiled")
    # A page seen twice is faster (the rule memo): profile a fresh process's view of them.
    from segmenter import ruleset

    ruleset.configure()
    warm_up()
    profile = cProfile.Profile()
    profile.enable()
    for page in pages:
        segment(page, options)
    profile.disable()
    stats = pstats.Stats(profile, stream=sys.stdout)
    if args.out:
        stats.dump_stats(args.out)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
