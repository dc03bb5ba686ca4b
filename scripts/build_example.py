"""Rebuild the example workspace (Aurora Mutual Insurance) into a folder, to inspect or ship it.

Usage::

    python scripts/build_example.py OUT            # the example, as `itscm-audit init OUT` writes it
    python scripts/build_example.py OUT --size 500  # a synthetic organisation of 500 services

OUT must not exist or be empty. The files are generated from a fixed seed, so every rebuild writes
the same bytes; the generator lives in ``itscm_audit.example``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from itscm_audit.errors import ItscmError
from itscm_audit.example import DEFAULT_SEED, write_workspace


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path, help="folder to create (must not exist or be empty)")
    parser.add_argument("--size", default="small",
                        help="'small' (the example, default), 'large', or a number of services")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    args = parser.parse_args(argv)
    size: str | int = int(args.size) if args.size.isdigit() else args.size
    if size not in ("small", "large") and not isinstance(size, int):
        parser.error("--size must be 'small', 'large' or a number of services")
    try:
        root = write_workspace(args.out, size, args.seed)  # type: ignore[arg-type]
    except ItscmError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return 3
    print(f"Workspace written to {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
