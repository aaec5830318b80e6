"""The README's copy-paste snippets, as the tests that run them read them."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def snippet(heading: str, *languages: str) -> str:
    """The first fenced block tagged one of ``languages`` in README.md's ``## heading``
    section; fails the test if the section or the block is missing."""
    return snippets(heading, *languages)[0]


def snippets(heading: str, *languages: str) -> list[str]:
    """Every fenced block tagged one of ``languages`` in README.md's ``## heading``
    section, in order; fails the test if the section or every block is missing."""
    parts = README.read_text().split(f"\n## {heading}\n", 1)
    assert len(parts) == 2, f"README.md has no '## {heading}' section"
    section = parts[1].split("\n## ", 1)[0]
    tags = "|".join(map(re.escape, languages))
    found = re.findall(rf"^```(?:{tags})\n(.*?)^```$", section, re.DOTALL | re.MULTILINE)
    assert found, f"no ```{languages[0]} block under README.md's '## {heading}'"
    return found
