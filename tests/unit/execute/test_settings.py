"""Per-page execution settings, which pages run, GPUs, cache keys and failure messages."""

from __future__ import annotations

from pathlib import Path

from divebook.config import Config, load_config
from divebook.diagnostics import Diagnostics
from divebook.execute.failures import failing_line, failure_message
from divebook.execute.keys import file_digest, run_key
from divebook.execute.runner import JobResult
from divebook.execute.settings import is_evaluated, local_gpus, page_settings
from divebook.tree import Page


def test_front_matter_wins_over_config_which_wins_over_defaults(tmp_path: Path):
    (tmp_path / "divebook.toml").write_text(
        '[build]\ntabs = ["torch"]\ntimeout = 100\n[tabs.torch]\ntimeout = 50\n'
        '[pages."gpu/*.md"]\ntimeout = 7\nresources = {gpus = 2}\ninputs = ["../data/a.csv"]\n')
    diags = Diagnostics()
    config = load_config(tmp_path, diags)
    assert not diags.items
    plain = page_settings(Page("x/p.md", []), "torch", config, diags)
    assert (plain.timeout, plain.gpus, plain.inputs) == (50, 0, [])
    gpu = page_settings(Page("gpu/p.md", []), "torch", config, diags)
    assert (gpu.timeout, gpu.gpus, gpu.inputs) == (7, 2, ["data/a.csv"])
    own = page_settings(Page("gpu/q.md", [], front_matter={"timeout": 3, "resources": {"gpus": 1}}),
                        "torch", config, diags)
    assert (own.timeout, own.gpus) == (3, 1)
    bad = page_settings(Page("y/p.md", [], front_matter={"timeout": "soon", "resources": {"gpus": -1}}),
                        "torch", config, diags)
    assert (bad.timeout, bad.gpus) == (50, 0)
    assert [d.file for d in diags.warnings] == ["y/p.md", "y/p.md"]


def test_unknown_page_setting_is_reported(tmp_path: Path):
    (tmp_path / "divebook.toml").write_text('[pages."*.md"]\ntimout = 3\n')
    diags = Diagnostics()
    load_config(tmp_path, diags)
    assert "unknown key `timout`" in diags.warnings[0].message and diags.warnings[0].line == 1


def test_notebooks_and_non_notebooks_patterns():
    config = Config(root=Path("."), notebooks=["*.md", "*/*.md"], non_notebooks=["appendix/*.md"])
    assert is_evaluated("index.md", config) and is_evaluated("ch/a.md", config)
    assert not is_evaluated("appendix/tools.md", config)
    assert not is_evaluated("a/b/c.md", config)
    config.eval_pages = ["ch/*.md"]
    assert is_evaluated("ch/a.md", config) and not is_evaluated("index.md", config)


def test_local_gpus_from_the_environment(monkeypatch):
    monkeypatch.setenv("DIVEBOOK_GPUS", "2")
    assert local_gpus() == ["0", "1"]
    monkeypatch.setenv("DIVEBOOK_GPUS", "3,5")
    assert local_gpus() == ["3", "5"]
    monkeypatch.delenv("DIVEBOOK_GPUS")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    assert local_gpus() == []


def key(**changes):
    base = dict(tab="t", kernel="python3", fingerprint="f", kernel_env={}, page_dir="ch",
                cells=[("x = 1", []), ("x", [])], library={}, inputs={})
    base.update(changes)
    return run_key(**base)


def test_run_key_changes_only_with_what_can_change_outputs(tmp_path: Path):
    same = key()
    assert key() == same
    for change in [dict(cells=[("x = 2", []), ("x", [])]), dict(cells=[("x", []), ("x = 1", [])]),
                   dict(cells=[("x = 1", ["raises-exception"]), ("x", [])]), dict(kernel="other"),
                   dict(fingerprint="g"), dict(kernel_env={"A": "1"}), dict(page_dir="other"),
                   dict(library={"d2l/torch.py": "abc"}), dict(inputs={"data/a.csv": "missing"}),
                   dict(tab="u")]:
        assert key(**change) != same, change
    f = tmp_path / "a.csv"
    assert file_digest(f) == "missing"
    f.write_text("1,2\n")
    first = file_digest(f)
    f.write_text("1,3\n")
    assert file_digest(f) != first


def test_run_key_changes_with_what_divebook_runs_around_the_cells(monkeypatch):
    """A run cached under an older prelude (or format) is not reused: its outputs may differ."""
    from divebook.execute import keys

    same = key()
    monkeypatch.setattr(keys, "PRELUDE", keys.PRELUDE.replace('"replace"', '"ignore"'))
    assert key() != same
    monkeypatch.undo()
    assert key() == same
    monkeypatch.setattr(keys, "EXEC_FORMAT", keys.EXEC_FORMAT + "-next")
    assert key() != same


def test_failing_line_follows_the_failing_cell_frame():
    tb = ("\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[3]\x1b[39m\x1b[32m, line 2\x1b[39m\n"
          "----> 2 f()\nCell In[1], line 5, in f()\n")
    assert failing_line(tb, 3) == 2
    assert failing_line("Cell In[1], line 5, in f()\n", 3) == 5
    assert failing_line('  File "<unknown>", line 4\n    x = (\n SyntaxError', None) == 4
    assert failing_line("nothing here", 1) == 0


def test_failure_messages_name_tab_cell_and_a_fix():
    missing_lib = JobResult("error", "", 0.1, ename="ModuleNotFoundError", evalue="No module named 'd2l'")
    msg = failure_message(missing_lib, "pytorch", "python3", 2, {"d2l": False}, "/venv/bin/python")
    assert msg.startswith("tab `pytorch`, cell 2 raised ModuleNotFoundError: No module named 'd2l'")
    assert "companion library" in msg and "divebook build lib" in msg
    missing = JobResult("error", "", 0.1, ename="ModuleNotFoundError", evalue="No module named 'torchvision'")
    msg = failure_message(missing, "pytorch", "torch", 1, {"d2l": True}, "/venv/bin/python")
    assert "no module `torchvision`" in msg and "/venv/bin/python -m pip install torchvision" in msg
    timeout = JobResult("timeout", "", 3, message="the cell ran longer than the timeout of 2 s")
    assert "timed out" in failure_message(timeout, "a", "python3", 4, {}, None)
    net = JobResult("error", "", 1, ename="URLError", evalue="<urlopen error [Errno -3]>")
    assert "needs the network" in failure_message(net, "a", "python3", 1, {}, None)


def test_a_missing_framework_gets_the_tab_its_own_environment_not_divebooks():
    import sys

    missing = JobResult("error", "", 0.1, ename="ModuleNotFoundError", evalue="No module named 'mxnet'")
    # python3 is divebook's own Python: no `pip install` into it; the tab gets requirements
    msg = failure_message(missing, "mxnet", "python3", 1, {}, sys.executable)
    assert f"kernel `python3` ({sys.executable}), divebook's own Python" in msg
    assert '`[tabs.mxnet] requirements = ["mxnet"]`' in msg and "divebook.toml" in msg
    assert "pip install" not in msg and "divebook env --tab mxnet" in msg
    # the tab already has its own environment: add the package to its requirements
    msg = failure_message(missing, "mxnet", "divebook-mxnet", 1, {}, "/b/.divebook/envs/mxnet/bin/python")
    assert "runs in its own environment (/b/.divebook/envs/mxnet/bin/python)" in msg
    assert "[tabs.mxnet] requirements" in msg and "pip install" not in msg
