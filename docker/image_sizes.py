"""The built images' sizes against their limits: `make image-sizes` (after `make images`).

Prints one row per image, writes the same as JSON (var/bench/images.json by default) and exits 1
when an image is over its limit or missing. Sizes are docker's (`docker images`): bytes, shown in
MB of 10^6 bytes. The broker has no limit: its size is reported only.

    python3 docker/image_sizes.py [--json PATH]
"""

import argparse
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

MB = 1_000_000
# Limits in MB (issue "Performance", item 5); None: reported, never failed.
LIMITS_MB: dict[str, int | None] = {
    "split-ready/app:local": 250,
    "split-ready/gateway:local": 120,
    "split-ready/postgres:local": 300,
    "split-ready/broker:local": None,
}


def image_size(image: str) -> int | None:
    """Bytes of a local image, None when it is not built."""
    result = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{.Size}}", image],
        capture_output=True,
        text=True,
        check=False,
    )
    return int(result.stdout.strip()) if result.returncode == 0 else None


def measure(limits: dict[str, int | None]) -> list[dict]:
    rows = []
    for image, limit in limits.items():
        size = image_size(image)
        ok = size is not None and (limit is None or size <= limit * MB)
        rows.append(
            {
                "image": image,
                "bytes": size,
                "size_mb": None if size is None else round(size / MB, 1),
                "limit_mb": limit,
                "ok": ok,
            }
        )
    return rows


def table(rows: list[dict]) -> str:
    lines = [f"{'image':<28} {'size MB':>8} {'limit MB':>9}  result"]
    for row in rows:
        size = "missing" if row["bytes"] is None else f"{row['size_mb']:.1f}"
        limit = "-" if row["limit_mb"] is None else str(row["limit_mb"])
        if row["bytes"] is None:
            result = "MISSING (make images)"
        else:
            result = "ok" if row["ok"] else "OVER THE LIMIT"
        lines.append(f"{row['image']:<28} {size:>8} {limit:>9}  {result}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=Path("var/bench/images.json"))
    args = parser.parse_args(argv)
    rows = measure(LIMITS_MB)
    print(table(rows))
    ok = all(row["ok"] for row in rows)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "ok": ok,
        "images": rows,
    }
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {args.json}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
