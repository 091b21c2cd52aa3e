"""What the starter book's prose says is what its code prints, in both tabs.

The numbers come from the real build (every page executed in both tabs, see
``starter_build.py``): the executed notebooks the notebooks target writes.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tests.conftest import require
from tests.integration.starter_build import build_starter, read_starter, runs_in

TABS = ("pytorch", "mxnet")
pytestmark = [pytest.mark.kernel]


def _from_notebooks(folder: Path) -> dict[tuple[str, str], list[str]]:
    _config, book = read_starter()
    found: dict[tuple[str, str], list[str]] = {}
    for tab in TABS:
        for source in book.order:
            path = folder / tab / (source[:-3] + ".ipynb")
            if not path.exists():
                continue
            nb = nbformat.read(path, as_version=4)
            found[(source, tab)] = [_cell_text(cell.get("outputs", [])) for cell in nb.cells
                                    if cell.cell_type == "code"]
    return found


def _cell_text(outputs: list) -> str:
    parts = []
    for out in outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            data = out.get("data", {})
            if any(k.startswith("image/") for k in data):
                parts.append("[image]\n")
            elif "text/plain" in data:
                parts.append(data["text/plain"] + "\n")
        elif out.output_type == "error":
            parts.append(f"!!! {out.ename}: {out.evalue}\n")
    return "".join(parts)


@pytest.fixture(scope="module")
def outputs() -> dict[tuple[str, str], list[str]]:
    """(page, tab) -> the text each code cell printed ("[image]" for a figure, "!!!" for an error)."""
    _, out = build_starter()
    return _from_notebooks(out / "notebooks")


def page(outputs, source: str, tab: str) -> str:
    key = (source, tab)
    require(key in outputs, f"executed outputs of {source} [{tab}]")
    return "".join(outputs[key])


def numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+\.\d*(?:e[-+]?\d+)?|-?\d+", text)]


def accuracies(text: str) -> tuple[float, float]:
    m = re.search(r"train accuracy ([\d.]+), test accuracy ([\d.]+)", text)
    assert m, text
    return float(m.group(1)), float(m.group(2))


def test_every_page_runs_without_errors_in_both_tabs(outputs):
    _, book = read_starter()
    ran = 0
    for tab in TABS:
        for source in book.order:
            if not runs_in(book, source, tab):
                continue
            text = page(outputs, source, tab)
            assert "!!!" not in text, f"{source} [{tab}]:\n{text}"
            ran += 1
    assert ran == 19  # ten sections with code in PyTorch; the preface's shared code runs once


@pytest.mark.parametrize("tab", TABS)
def test_preface_and_installation(outputs, tab):
    assert "3.0" in page(outputs, "chapter_preface/index.md", "pytorch")  # "the mean is 3"
    text = page(outputs, "chapter_installation/index.md", tab)
    version = {"pytorch": "torch 2.13.0", "mxnet": "mxnet 1.9.1"}[tab]  # "the one pinned above"
    assert version in text
    assert f"('.divebook', 'envs', '{tab}')" in text


@pytest.mark.parametrize("tab", TABS)
def test_tensors(outputs, tab):
    cells = outputs[("chapter_preliminaries/ndarray.md", tab)]
    sums = next(c for c in cells if "66" in c)  # "The sum of 0, ..., 11 is 66"
    assert numbers(sums)[:1] == [66.0] or "66." in sums
    matvec = next(c for c in cells if "12." in c and "20." in c and "4." in c)
    assert numbers(matvec)[:3] == [4.0, 12.0, 20.0]  # "the first row gives 4"


@pytest.mark.parametrize("tab", TABS)
def test_autograd(outputs, tab):
    text = page(outputs, "chapter_preliminaries/autograd.md", tab)
    assert re.search(r"0\.,\s+4\.,\s+8\.,\s+12\.", text)  # the gradient is (0, 4, 8, 12)
    assert "False" not in text  # x.grad == 4 * x everywhere
    diff = float(re.search(r"largest difference from cos\(x\): (\S+)", text).group(1))
    assert diff < 1e-6  # "zero, or as small as 32-bit rounding allows"
    assert "[image]" in text


def _last_loss(text: str) -> float:
    return float(re.findall(r"epoch \d+, loss ([\d.]+)", text)[-1])


def _errors(text: str) -> list[float]:
    w = re.search(r"error in w: \[([^\]]+)\]", text).group(1)
    b = re.search(r"error in b: (\S+)", text).group(1)
    return [float(x) for x in w.split()] + [float(b)]


@pytest.mark.parametrize("tab", TABS)
def test_linear_regression_recovers_the_true_parameters(outputs, tab):
    scratch = page(outputs, "chapter_linear/linear-regression-scratch.md", tab)
    assert "((1000, 2), (1000, 1))" in scratch or "torch.Size([1000, 2]), torch.Size([1000, 1])" in scratch
    loss = _last_loss(scratch)
    assert 2.5e-5 < loss < 1e-4  # "settles near 5e-5: half the variance of the noise"
    assert all(abs(e) < 0.01 for e in _errors(scratch))  # "both errors are below 0.01"

    concise = page(outputs, "chapter_linear/linear-regression-concise.md", tab)
    assert all(abs(e) < 0.01 for e in _errors(concise))  # "within 0.01 of the true ones"
    ratio = _last_loss(concise) / loss
    if tab == "pytorch":
        assert 1.5 < ratio < 3  # MSELoss has no 1/2: "twice those of the last section"
    else:
        assert 0.6 < ratio < 1.5  # L2Loss is the halved squared error


@pytest.mark.parametrize("tab", TABS)
def test_softmax_regression_on_digits(outputs, tab):
    text = page(outputs, "chapter_linear/softmax-regression.md", tab)
    probs = numbers(text.split(")", 1)[0])  # the first output: P
    assert [round(p, 3) for p in probs[:3]] == [0.090, 0.245, 0.665]
    assert [round(p, 3) for p in probs[3:6]] == [0.090, 0.245, 0.665]  # both rows alike
    assert "64, 1, 8, 8" in text  # one channel of 8 x 8 pixels
    train, test = accuracies(text)
    assert test > 0.90  # "more than 90% of the test images"
    assert 0 <= train - test < 0.05  # "only a little higher than the test accuracy"
    assert "[image]" in text


@pytest.mark.parametrize("tab", TABS)
def test_mlp_beats_softmax_regression(outputs, tab):
    _, softmax_test = accuracies(page(outputs, "chapter_linear/softmax-regression.md", tab))
    text = page(outputs, "chapter_deep/mlp.md", tab)
    _, test = accuracies(text)
    assert test > softmax_test and test > 0.95  # "higher than the linear model's and above 95%"


@pytest.mark.parametrize("tab", TABS)
def test_cnn(outputs, tab):
    text = page(outputs, "chapter_deep/cnn.md", tab)
    corr = text.split("Conv2")[0]
    values = numbers(corr)
    assert values.count(-1.0) == 12 and values.count(-4.0) == 12  # every output -1, then -4
    for shape in ("(64, 16, 4, 4)", "(64, 32, 2, 2)", "(64, 10)"):
        assert shape in text
    _, test = accuracies(text)
    assert test > 0.95  # "more than 95% of the test images"


@pytest.mark.parametrize("tab", TABS)
def test_attention(outputs, tab):
    cells = outputs[("chapter_deep/attention.md", tab)]
    first = next(c for c in cells if "0.99" in c)
    weights = numbers(first)
    assert weights[1] > 0.99 and weights[0] < 0.01 and weights[2] < 0.01  # "almost all the weight"
    assert abs(weights[-1] - 2.0) < 0.01  # "the output is close to 2"
    text = "".join(cells)
    assert "(6, 4)" in text or "torch.Size([6, 4])" in text  # the shape of the input
    sums = re.search(r"(?:array|tensor)\(\[([^\]]+)\]\)\)\s*$", next(c for c in cells if "6, 4" in c))
    assert all(abs(s - 1) < 1e-5 for s in numbers(sums.group(1)))  # every row sums to one
    diagonal = numbers(re.search(r"itself: \[([^\]]+)\]", text).group(1))
    assert len(diagonal) == 6 and min(diagonal) > 1 / 6  # "more than the average weight of 1/6"
