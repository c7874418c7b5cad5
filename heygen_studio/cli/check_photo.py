"""`heygen-studio check-photo PATH... [--json]`: check photos against HeyGen's rules from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from heygen_studio.domain.photo_rules import Issue, PhotoReport
from heygen_studio.photos import check_photo

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="heygen-studio check-photo",
        description="Check photos against HeyGen's rules: JPEG or PNG, at least 512x512, under 10 MB, "
        "one clear front-facing face. Exit status: 0 all pass, 1 any fails, 2 usage error.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="photo files to check")
    parser.add_argument("--json", action="store_true", help="print a JSON list of reports instead of text")
    return parser


def _issues(issues: list[Issue]) -> list[dict[str, str]]:
    return [{"code": issue.code, "message": issue.message} for issue in issues]


def report_dict(report: PhotoReport) -> dict[str, Any]:
    """The JSON shape of one report (face boxes are left to the app)."""
    return {
        "path": str(report.path),
        "ok": report.ok,
        "format": report.format,
        "width": report.width,
        "height": report.height,
        "bytes": report.bytes,
        "errors": _issues(report.errors),
        "warnings": _issues(report.warnings),
    }


def report_text(report: PhotoReport) -> str:
    """One block per photo: a headline, then ✗ errors and ⚠ warnings."""
    if report.width and report.height and report.format:
        facts = f" ({report.format}, {report.width}×{report.height}, {report.bytes:,} bytes)"
    else:
        facts = ""
    verdict = "✗ refused" if not report.ok else ("⚠ accepted with advice" if report.warnings else "✓ ready for HeyGen")
    lines = [f"{report.path}{facts}", f"  {verdict}"]
    lines += [f"  ✗ {issue.message}" for issue in report.errors]
    lines += [f"  ⚠ {issue.message}" for issue in report.warnings]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Run the subcommand with `argv` (without the program and subcommand names); return the exit status."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # argparse has printed a usage message already
        return EXIT_OK if exit_.code == 0 else EXIT_USAGE
    if hasattr(sys.stdout, "reconfigure"):  # odd file names or a non-UTF-8 console must not end in a traceback
        sys.stdout.reconfigure(errors="replace")
    reports = [check_photo(path) for path in args.paths]
    if args.json:
        print(json.dumps([report_dict(report) for report in reports], ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(report_text(report) for report in reports))
    return EXIT_OK if all(report.ok for report in reports) else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
