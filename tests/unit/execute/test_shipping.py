"""What travels with a page's task to a worker without the book, and what comes back (no kernels)."""

from __future__ import annotations

from pathlib import Path

from divebook.execute import shipping
from divebook.execute.runner import Job, JobResult
from divebook.execute.shipping import ShippedResult, pack, pack_shared, unpack_written


def _job(source: str = "chapter/page.md") -> Job:
    return Job(source, "python", "python3", "{}", "/book/_build/run/python/chapter",
               env={"PYTHONPATH": "/book/_build/lib", "OMP_NUM_THREADS": "1"}, key="k" * 64)


def test_a_parcel_holds_the_imported_library_package_and_the_declared_inputs(tmp_path: Path):
    book, lib = tmp_path / "book", tmp_path / "lib"
    (lib / "d2l").mkdir(parents=True)
    (lib / "d2l" / "__init__.py").write_text("")
    (lib / "d2l" / "torch.py").write_text("def f(): pass\n")
    (lib / "d2l" / "notes.txt").write_text("not python")
    (book / "chapter").mkdir(parents=True)
    (book / "chapter" / "x.csv").write_text("1,2\n")
    (book / "data").mkdir()
    (book / "data" / "a.txt").write_text("a")
    job = pack(_job(), book, lib, ["d2l/torch.py"], ["chapter/x.csv", "data"])
    parcel = job.parcel
    assert parcel.page_dir == "chapter"
    assert set(parcel.library) == {"d2l/__init__.py", "d2l/torch.py"}
    assert parcel.files == {"chapter/x.csv": b"1,2\n", "data/a.txt": b"a"}
    assert "PYTHONPATH" not in job.env and job.env["OMP_NUM_THREADS"] == "1"  # set on the worker
    assert job.cwd == "" and job.key == "k" * 64


def test_named_folders_are_packed_once_with_a_digest_of_their_content(tmp_path: Path):
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "cat.svg").write_text("<svg/>")
    (tmp_path / "setup.py").write_text("x")
    first = pack_shared(tmp_path, ["img/", "setup.py", "../outside", "/etc"])
    assert set(first.files) == {"img/cat.svg", "setup.py"}
    assert pack_shared(tmp_path, ["img/", "setup.py"]).digest == first.digest
    (tmp_path / "img" / "cat.svg").write_text("<svg></svg>")
    assert pack_shared(tmp_path, ["img/", "setup.py"]).digest != first.digest


def test_what_a_run_wrote_comes_back_within_limits(tmp_path: Path, monkeypatch):
    (tmp_path / "chapter").mkdir()
    (tmp_path / "chapter" / "kept.txt").write_text("unchanged")
    before = shipping._stamps(tmp_path)
    (tmp_path / "chapter" / "plot.svg").write_text("<svg/>")
    (tmp_path / "chapter" / "big.bin").write_bytes(b"x" * 2000)
    monkeypatch.setattr(shipping, "BRING_BACK_FILE_LIMIT", 1000)
    files, left = shipping._written(tmp_path, before)
    assert files == {"chapter/plot.svg": b"<svg/>"}
    assert left == ["chapter/big.bin"]


def test_files_brought_back_never_land_outside_the_run_folder(tmp_path: Path):
    run_root = tmp_path / "run" / "python"
    run_root.mkdir(parents=True)
    shipped = ShippedResult(JobResult("ok", "{}", 0.0),
                            {"chapter/out.txt": b"ok", "../../escaped.txt": b"no"})
    unpack_written(run_root, shipped)
    assert (run_root / "chapter" / "out.txt").read_bytes() == b"ok"
    assert not (tmp_path / "escaped.txt").exists()


def test_a_shipped_job_without_code_runs_in_a_temporary_book(tmp_path: Path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("prose only")]
    job = pack(Job("page.md", "python", "python3", nbformat.writes(nb), str(tmp_path)), tmp_path,
               tmp_path / "lib", [], [])
    shipped = shipping.run_shipped(job, pack_shared(tmp_path, []))
    assert shipped.result.outcome == "ok" and shipped.files == {}
