"""``python -m cleaners.report --clean CLEANDIR [--raw RAWDIR]``: write CLEANDIR/report/."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cleaners import review
from cleaners.report.build import build_report
from cleaners.report.model import document_stems, pick_stem


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m cleaners.report",
                                 description="Write an HTML report of a cleaned corpus.")
    ap.add_argument("--clean", default="clean", help="the clean folder (default: clean)")
    ap.add_argument("--raw", default=None,
                    help="the raw folder (default: raw_dir from CLEANDIR/manifest.json, else raw)")
    ap.add_argument("--out", default=None, help="where to write (default: CLEANDIR/report)")
    ap.add_argument("--doc", action="append", default=None, help="only this document (repeatable)")
    ap.add_argument("--review-file", default=None,
                    help="decisions file to mark answered flags (default: review/decisions.tsv if present)")
    args = ap.parse_args(argv)
    clean_dir = Path(args.clean)
    stems = document_stems(clean_dir) if clean_dir.is_dir() else []
    if not stems:
        print(f"no cleaned documents in {clean_dir} (run `make run` first)", file=sys.stderr)
        return 2
    if args.doc:
        try:
            stems = [pick_stem(stems, d) for d in args.doc]
        except KeyError as exc:
            print(exc.args[0], file=sys.stderr)
            return 2
    t = time.perf_counter()
    try:
        index = build_report(clean_dir, args.raw, out_dir=args.out, review_file=args.review_file, stems=stems)
    except review.ReviewFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {index} and {len(stems)} document pages in {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
