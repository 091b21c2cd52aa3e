"""Translation status: translated, missing and stale paragraphs, from git history.

Each test makes a real git repository (user name and e-mail set locally) and
edits it the way translators and authors do.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from divebook.cli import main
from tests.conftest import require_tool

CONFIG = "[project]\ntitle = T\nlang = ko\n\n[translation]\norigin_lang = en\n"

INTERLEAVED = {
    "config.ini": CONFIG,
    "index.md": """
        # Welcome

        # 환영합니다

        ```toc
        :numbered:

        ch/page
        ```
    """,
    "ch/page.md": """
        # Regression

        # 회귀

        Regression predicts a number from features.

        회귀는 특징으로부터 숫자를 예측합니다.

        The squared loss is the usual choice.

        제곱 손실이 흔히 쓰입니다.

        Gradient descent finds the minimum.

        경사 하강법이 최솟값을 찾습니다.

        This sentence waits for a translator.
    """,
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return done.stdout


def init_repo(book: Path) -> None:
    require_tool("git")
    git(book, "init", "-q")
    git(book, "config", "user.name", "Test Author")
    git(book, "config", "user.email", "author@example.com")
    git(book, "config", "commit.gpgsign", "false")
    git(book, "add", "-A")
    git(book, "commit", "-q", "-m", "first version")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def status(book: Path, out: Path, capsys=None) -> dict:
    code = main(["check", "-C", str(book), "--out", str(out), "--translation"])
    assert code == 0
    report = json.loads((out / "report.json").read_text())
    assert report["translation"] == json.loads((out / "check.json").read_text())["translation"]
    return report["translation"]


def stale_lines(data: dict) -> list[tuple[str, int]]:
    return [(i["file"], i["line"]) for p in data["pages"] for i in p["items"] if i["status"] == "stale"]


def test_editing_an_original_paragraph_marks_exactly_that_paragraph_stale(make_book, tmp_path, capsys):
    book = make_book(INTERLEAVED)
    init_repo(book)
    out = tmp_path / "out"
    data = status(book, out)
    assert data["git"] is True
    assert data["book"] == {"paragraphs": 6, "translated": 5, "missing": 1, "stale": 0, "added": 0,
                            "percent": 83.3, "problems": 0}
    page = next(p for p in data["pages"] if p["source"] == "ch/page.md")
    assert [(i["status"], i["line"]) for i in page["items"]] == [("missing", 17)]

    # The author rewrites the second English paragraph (not yet committed).
    edit(book / "ch/page.md", "The squared loss is the usual choice.",
         "The squared loss is the usual choice for regression.")
    capsys.readouterr()
    data = status(book, out)
    assert stale_lines(data) == [("ch/page.md", 9)]
    assert data["book"]["stale"] == 1 and data["book"]["translated"] == 4
    printed = capsys.readouterr().err
    assert "ch/page.md:9" in printed and "stale" in printed and "66.7%" in printed

    # Committed, it is still stale: the translation is older than the original.
    git(book, "commit", "-q", "-am", "sharpen the loss paragraph")
    assert stale_lines(status(book, out)) == [("ch/page.md", 9)]

    # The translator follows: the pair is up to date again.
    edit(book / "ch/page.md", "제곱 손실이 흔히 쓰입니다.", "회귀에는 제곱 손실이 흔히 쓰입니다.")
    git(book, "commit", "-q", "-am", "update the translation")
    assert stale_lines(status(book, out)) == []

    # Editing a translation never makes anything stale; whitespace in an original neither.
    edit(book / "ch/page.md", "경사 하강법이 최솟값을 찾습니다.", "경사 하강법은 최솟값을 찾습니다.")
    edit(book / "ch/page.md", "Regression predicts a number from features.",
         "Regression  predicts a number from features.")
    git(book, "commit", "-q", "-am", "edits")
    assert stale_lines(status(book, out)) == []


PAIRED = {
    "config.ini": CONFIG + "\n[build]\nexclusions = */*_origin.md\n",
    "index.md": "# 환영\n\n```toc\nch/page\n```\n",
    "index_origin.md": "# Welcome\n\n```toc\nch/page\n```\n",
    "ch/page_origin.md": """
        # Data

        Tensors hold numbers.

        ```{.python .input}
        x = 1
        ```

        Operations apply elementwise.
    """,
    "ch/page.md": """
        # 데이터

        텐서는 숫자를 담습니다.

        ```{.python .input}
        x = 1
        ```

        연산은 원소별로 적용됩니다.
    """,
}


def test_paired_files_stale_by_paragraph(make_book, tmp_path):
    book = make_book(PAIRED)
    init_repo(book)
    out = tmp_path / "out"
    data = status(book, out)
    assert data["book"]["stale"] == 0 and data["book"]["translated"] == 4
    assert {p["layout"] for p in data["pages"]} == {"paired"}
    edit(book / "ch/page_origin.md", "Operations apply elementwise.", "Operations apply element by element.")
    git(book, "commit", "-q", "-am", "original changed")
    data = status(book, out)
    assert stale_lines(data) == [("ch/page_origin.md", 9)]
    page = next(p for p in data["pages"] if p["source"] == "ch/page.md")
    item = page["items"][0]
    assert (item["translation_file"], item["translation_line"]) == ("ch/page.md", 9)


def test_without_git_nothing_is_stale_and_the_status_says_so(make_book, tmp_path, capsys):
    book = make_book(INTERLEAVED)
    out = tmp_path / "out"
    data = status(book, out)
    assert data["git"] is False and data["book"]["stale"] == 0
    assert "not in a git repository" in capsys.readouterr().err


def test_every_build_reports_the_status_and_the_website_shows_it(make_book, tmp_path):
    book = make_book(INTERLEAVED)
    init_repo(book)
    edit(book / "ch/page.md", "Gradient descent finds the minimum.", "Gradient descent finds a minimum.")
    out = tmp_path / "out"
    assert main(["build", "--no-eval", "-C", str(book), "--out", str(out), "-q"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert stale_lines(report["translation"]) == [("ch/page.md", 13)]
    side = (out / "html" / "bilingual" / "ch" / "page.html").read_text()
    assert side.count('class="bilingual-pair stale"') == 1
    assert "Gradient descent finds a minimum." in side.split('class="bilingual-pair stale"')[1][:400]
    status_page = (out / "html" / "translation-status.html").read_text()
    assert "번역 현황" in status_page and "bilingual/ch/page.html" in status_page


def test_check_without_translation_flag_prints_no_table(make_book, tmp_path, capsys):
    book = make_book(INTERLEAVED)
    assert main(["check", "-C", str(book), "--out", str(tmp_path / "o")]) == 0
    assert "Translation status" not in capsys.readouterr().err


def test_one_language_books_have_no_translation_status(make_book, tmp_path, capsys):
    book = make_book({"index.md": "# One\n\nText.\n"})
    assert main(["check", "-C", str(book), "--out", str(tmp_path / "o"), "--translation"]) == 0
    assert "translation" not in json.loads((tmp_path / "o" / "check.json").read_text())
