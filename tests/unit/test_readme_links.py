"""The README is read in a clone too: its links must lead to files of the repository."""

from __future__ import annotations

import re

from tests.conftest import REPO


def test_readme_links_only_to_files_in_the_repository() -> None:
    readme = REPO / "README.md"
    targets = re.findall(r"\]\(([^)\s]+)\)", readme.read_text(encoding="utf-8"))
    local = [t.split("#")[0] for t in targets if not re.match(r"[a-z]+:", t) and not t.startswith("#")]
    assert local  # the README does link to the docs
    for target in local:
        path = (REPO / target).resolve()
        assert REPO in path.parents and path.exists(), f"README.md links {target}, not a file of the repository"
