"""The documentation stays inside the repository, and pointers into it lead somewhere.

- No tracked file mentions the design notes that live outside the repository: the repository's
  own description is docs/ARCHITECTURE.md.
- Every pointer into docs/ARCHITECTURE.md (an ``#anchor``, or "section N") names a section that
  exists; the sections are numbered 1, 2, 3 ... in order; its relative links resolve.
"""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "docs" / "ARCHITECTURE.md"

# Built from pieces so that this file does not match its own patterns.
OUTSIDE_DESIGN_FILES = re.compile(
    "|".join(
        [
            r"\b" + "DESIGN" + r"\.md",
            r"\b" + "PLAN" + r"\.md",
            r"\.\./" + "shared" + r"(?!/core\b)",  # a relative path to the core package is fine
            "/work" + "/shared",
        ]
    )
)
ANCHOR_REFERENCE = re.compile(r"ARCHITECTURE\.md#([\w-]+)")
SECTION_REFERENCE = re.compile(
    r"ARCHITECTURE\.md\)?\s+sections?\s+(\d+(?:(?:\s*,\s*|\s+and\s+|\s+or\s+)\d+)*)"
)
OWN_SECTION_REFERENCE = re.compile(r"\bsections?\s+(\d+(?:(?:\s*,\s*|\s+and\s+|\s+or\s+)\d+)*)")
NUMBERED_HEADING = re.compile(r"^## (\d+)\. (.+)$", re.MULTILINE)
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


def tracked_texts() -> dict[str, str]:
    """Every tracked text file that exists in the working tree, by its repository path."""
    try:
        listing = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: no tracked files to read")
    texts = {}
    for name in listing.decode().split("\0"):
        path = ROOT / name
        if not name or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" not in data[:8192]:
            texts[name] = data.decode("utf-8", errors="replace")
    return texts


def slug(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    return {slug(title) for title in re.findall(r"^#+ (.+)$", markdown, re.MULTILINE)}


def section_numbers(markdown: str) -> list[int]:
    return [int(number) for number, _ in NUMBERED_HEADING.findall(markdown)]


def numbers_in(match: re.Match) -> list[int]:
    return [int(number) for number in re.findall(r"\d+", match.group(1))]


def line_of(text: str, match: re.Match) -> int:
    return text.count("\n", 0, match.start()) + 1


def test_no_tracked_file_mentions_the_design_files_outside_the_repository():
    texts = tracked_texts()
    assert "README.md" in texts, "git ls-files listed nothing: the listing is broken"
    found = [
        f"{name}:{line_of(text, match)}: {match.group(0)}"
        for name, text in texts.items()
        for match in OUTSIDE_DESIGN_FILES.finditer(text)
    ]
    assert found == [], "point at docs/ARCHITECTURE.md instead"


def test_the_architecture_sections_are_numbered_in_order():
    numbers = section_numbers(ARCHITECTURE.read_text())
    assert numbers, "docs/ARCHITECTURE.md has no numbered sections (## N. Title)"
    assert numbers == list(range(1, len(numbers) + 1))


def test_every_reference_to_the_architecture_points_at_an_existing_section():
    architecture = ARCHITECTURE.read_text()
    numbers = set(section_numbers(architecture))
    known_anchors = anchors(architecture)
    texts = tracked_texts()
    texts["docs/ARCHITECTURE.md"] = architecture  # also before it is first committed
    broken, seen = [], 0
    for name, text in texts.items():
        for match in ANCHOR_REFERENCE.finditer(text):
            seen += 1
            if match.group(1) not in known_anchors:
                broken.append(f"{name}:{line_of(text, match)}: #{match.group(1)}")
        for match in SECTION_REFERENCE.finditer(text):
            seen += 1
            missing = [number for number in numbers_in(match) if number not in numbers]
            if missing:
                broken.append(f"{name}:{line_of(text, match)}: section {missing}")
    for match in OWN_SECTION_REFERENCE.finditer(architecture):
        missing = [number for number in numbers_in(match) if number not in numbers]
        if missing:
            broken.append(f"docs/ARCHITECTURE.md:{line_of(architecture, match)}: {missing}")
    assert seen, "no reference to docs/ARCHITECTURE.md found: the patterns are out of date"
    assert broken == []


def leads_somewhere(target: str) -> bool:
    """Whether a relative link of docs/ARCHITECTURE.md reaches a file (and its heading)."""
    path_part, _, anchor = target.partition("#")
    path = (ARCHITECTURE.parent / path_part).resolve() if path_part else ARCHITECTURE
    if not path.exists():
        return False
    return not (anchor and path.suffix == ".md") or anchor in anchors(path.read_text())


def test_the_architecture_links_lead_to_existing_files_and_headings():
    links = MARKDOWN_LINK.findall(ARCHITECTURE.read_text())
    relative = [target for target in links if not re.match(r"[a-z]+:", target)]
    assert relative, "no links found: the pattern is out of date"
    assert [target for target in relative if not leads_somewhere(target)] == []


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("5. The public API", "5-the-public-api"),
        ("When a service is down", "when-a-service-is-down"),
        ("Environment, per service", "environment-per-service"),
        ("`shared/core` is a distribution of its own", "sharedcore-is-a-distribution-of-its-own"),
    ],
)
def test_slugs_follow_github(heading, anchor):
    assert slug(heading) == anchor
