"""The bad inputs, one row each: what the book (or command line) holds and what must come of it.

Outcome classes (the exit status says which):

* ``usage``   -- exit 2: the configuration or command line cannot be used; one error naming
  the file and line (where there is one), what is wrong and how to mend it;
* ``error``   -- exit 1: the book has an error, the rest is built;
* ``warning`` -- exit 0 with a warning naming file and line (``--strict`` would fail);
* ``fine``    -- exit 0, nothing to report.

``expect`` is a regular expression the console output must contain.  In the
book's files and links, ``@TMP@`` stands for the test's folder, which holds
``outside/secret.txt`` and ``outside/page.md`` (both must stay out of every output).
"""

from __future__ import annotations

from dataclasses import dataclass, field

INDEX = "# Book\n\n```toc\n:numbered:\n\na\n```\n"
PAGE = "# A\n:label:`sec_a`\n\nText.\n"
INI = "[project]\ntitle = T\n"


@dataclass(frozen=True)
class Case:
    name: str
    files: dict[str, str | bytes]
    outcome: str
    expect: str = ""
    #: the command after ``divebook``; BOOK, OUT and TMP stand for the folders
    argv: tuple[str, ...] = ("build", "--no-eval", "--jobs", "1", "-C", "BOOK", "--out", "OUT")
    #: folders to make (relative to TMP) before running, and files (path -> text) in them
    setup: dict[str, str] = field(default_factory=dict)
    #: symlinks to make in the book: path -> target (@TMP@ stands for TMP, as in files)
    links: dict[str, str] = field(default_factory=dict)
    #: the folder the command runs in: "" (as it is), BOOK or TMP
    cwd: str = ""


def book(config: str | bytes | None = INI, config_name: str = "config.ini",
         **pages: str | bytes) -> dict[str, str | bytes]:
    """A small valid book with ``config`` and extra or replaced ``pages`` (name with / as __)."""
    files: dict[str, str | bytes] = {"index.md": INDEX, "a.md": PAGE}
    if config is not None:
        files[config_name] = config
    files.update({k.replace("__", "/").replace("_DOT_", "."): v for k, v in pages.items()})
    return files


def ini(body: str) -> dict[str, str | bytes]:
    return book(INI + body)


def toml(body: str) -> dict[str, str | bytes]:
    return book(body, "divebook.toml")


def page(text: str | bytes) -> dict[str, str | bytes]:
    return book(a_DOT_md=text)


TWO_PAGES = "# Book\n\n```toc\na\nb\n```\n"
SECRET_FILE = "@TMP@/outside/secret.txt"


CASES: list[Case] = [
    # ---- config.ini -------------------------------------------------------------
    Case("ini non-utf8 title", book(b"[project]\ntitle = \xff\xfe\n"), "usage",
         r"config\.ini:2: error: byte 0xff is not UTF-8"),
    Case("ini non-utf8 line 5", book(b"[project]\ntitle = T\n\n[build]\ntabs = \xe9t\xe9\n"), "usage",
         r"config\.ini:5: error: byte 0xe9"),
    Case("ini latin-1 comment", book(b"# caf\xe9\n[project]\ntitle = T\n"), "usage", r"config\.ini:1: error"),
    Case("ini utf-16", book("[project]\ntitle = T\n".encode("utf-16")), "usage", r"config\.ini:1: error"),
    Case("ini byte-order mark", book("\ufeff[project]\ntitle = T\n"), "fine"),
    Case("ini duplicate key", ini("[build]\ntabs = a\ntabs = b\n"), "usage",
         r"config\.ini:5: error: `tabs` is set twice in \[build\]; keep one"),
    Case("ini duplicate key, other case", ini("[build]\nTabs = a\ntabs = b\n"), "usage", r"set twice"),
    Case("ini duplicate section", ini("[project]\nauthor = x\n"), "usage",
         r"config\.ini:3: error: section \[project\] appears twice"),
    Case("ini key before a section", book("title = T\n"), "usage",
         r"config\.ini:1: error: .*inside a \[section\] and written as `key = value`"),
    Case("ini line without =", ini("[build]\njust words\n"), "usage", r"config\.ini:4: error"),
    Case("ini unclosed section", ini("[build\n"), "usage", r"config\.ini:3: error"),
    Case("ini unknown section", ini("[nonsense]\nx = 1\n"), "warning",
         r"config\.ini:3: warning: unknown section \[nonsense\]"),
    Case("ini unknown key", ini("[build]\nnotebookz = *.md\n"), "warning",
         r"config\.ini:4: warning: unknown key `notebookz` in \[build\]"),
    Case("ini toml-only key", ini("[build]\nrequirements = torch\n"), "warning",
         r"config\.ini:4: warning: `requirements` in \[build\]"),
    Case("ini bad bool", ini("[build]\neval_notebook = maybe\n"), "warning",
         r"config\.ini:4: warning: expected True or False"),
    Case("ini timeout -5", ini("[build]\ntimeout = -5\n"), "warning",
         r"config\.ini:4: warning: a timeout must be a positive number of seconds"),
    Case("ini timeout 0", ini("[build]\ntimeout = 0\n"), "warning", r"config\.ini:4: warning: a timeout"),
    Case("ini timeout nan", ini("[build]\ntimeout = nan\n"), "warning", r"a timeout must be"),
    Case("ini timeout inf", ini("[build]\ntimeout = inf\n"), "warning", r"a timeout must be"),
    Case("ini timeout words", ini("[build]\ntimeout = ten\n"), "warning", r"a timeout must be"),
    Case("ini timeout huge", ini("[build]\ntimeout = 1e400\n"), "warning", r"a timeout must be"),
    Case("ini timeout fine", ini("[build]\ntimeout = 30\n"), "fine"),
    Case("ini tabs punctuation", ini("[build]\ntabs = ,,;; !!@@\n"), "warning",
         r"config\.ini:4: warning: tab name ';; !!@@' is left out"),
    Case("ini tab with a slash", ini("[build]\ntabs = pytorch, ../../x\n"), "warning", r"tab name '\.\./\.\./x'"),
    Case("ini tab with spaces", ini("[build]\ntabs = py torch\n"), "warning", r"tab name 'py torch'"),
    Case("ini tab named all", ini("[build]\ntabs = all, mxnet\n"), "warning", r"tab name 'all'"),
    Case("ini tab dot first", ini("[build]\ntabs = .hidden\n"), "warning", r"tab name '\.hidden'"),
    Case("ini tab listed twice", ini("[build]\ntabs = a, a\n"), "warning", r"a tab is listed twice"),
    Case("ini tabs fine", ini("[build]\ntabs = pytorch, mxnet-1.9, tf_2\n"), "fine"),
    Case("ini kernels unreadable", ini("[build]\ntabs = a\nkernels = a python3\n"), "warning",
         r"\[build\] kernels: cannot read"),
    Case("ini kernels unknown tab", ini("[build]\ntabs = a\nkernels = b: python3\n"), "warning",
         r"kernels names tab `b`"),
    Case("ini library without lib_file", ini("[build]\ntabs = a\n[library-a]\nlib_name = x\n"), "warning",
         r"\[library-a\] has no lib_file"),
    Case("ini library for unknown tab", ini("[build]\ntabs = a\n[library-b]\nlib_file = x.py\n"), "warning",
         r"\[library-b\] is for tab `b`"),
    Case("ini header link javascript", ini("[html]\nheader_links = X, javascript:alert(1), fas fa-x\n"),
         "warning", r"config\.ini:4: warning: header link 'X' is left out: its URL uses `javascript:`"),
    Case("ini header link JavaScript caps", ini("[html]\nheader_links = X, JavaScript:alert(1), i\n"),
         "warning", r"uses `javascript:`"),
    Case("ini header link data", ini("[html]\nheader_links = X, data:text/html;base64 AAAA, i\n"),
         "warning", r"uses `data:`"),
    Case("ini header link vbscript", ini("[html]\nheader_links = X, vbscript:msgbox, i\n"), "warning",
         r"uses `vbscript:`"),
    Case("ini header link file", ini("[html]\nheader_links = X, file:///etc/passwd, i\n"), "warning",
         r"uses `file:`"),
    Case("ini header links incomplete", ini("[html]\nheader_links = X, https://a.example\n"), "warning",
         r"needs name, URL, icon triples"),
    Case("ini header link https", ini("[html]\nheader_links = GitHub, https://github.com/x, fab fa-github\n"),
         "fine"),
    Case("ini header link mailto and relative",
         ini("[html]\nheader_links = Mail, mailto:a@b.example, i, PDF, d2l.pdf, j\n"), "fine"),
    Case("ini index page missing", ini("[build]\nindex = nowhere\n"), "error",
         r"config\.ini:4: error: the book's root page `nowhere\.md` does not exist"),
    Case("ini notebooks bracket", ini("[build]\nnotebooks = [ *.md\n"), "fine"),
    Case("ini empty file", book(""), "fine"),
    Case("ini is a folder", {**book(None), "config.ini/x": "x"}, "usage", r"config\.ini: error: cannot be read"),
    # ---- divebook.toml ----------------------------------------------------------
    Case("toml non-utf8", toml(b'[project]\ntitle = "\xff"\n'), "usage",
         r"divebook\.toml:2: error: byte 0xff is not UTF-8"),
    Case("toml invalid syntax", toml("[project\n"), "usage", r"divebook\.toml:1: error: divebook\.toml is not valid TOML"),
    Case("toml string unclosed", toml('[project]\ntitle = "x\n'), "usage", r"divebook\.toml:2: error"),
    Case("toml title a number", toml("[project]\ntitle = 1\n"), "usage",
         r"divebook\.toml:2: error: \[project\] title must be a string, not int"),
    Case("toml tabs a string", toml('[build]\ntabs = "a"\n'), "usage", r"\[build\] tabs must be a list"),
    Case("toml build a value", toml("build = 3\n"), "usage", r"`build` must be a table"),
    Case("toml timeout -1", toml("[build]\ntimeout = -1\n"), "warning",
         r"divebook\.toml:2: warning: a timeout must be a positive"),
    Case("toml timeout 0", toml("[build]\ntimeout = 0\n"), "warning", r"a timeout must be"),
    Case("toml timeout nan", toml("[build]\ntimeout = nan\n"), "warning", r"a timeout must be"),
    Case("toml timeout string", toml('[build]\ntimeout = "10"\n'), "usage", r"timeout must be a number"),
    Case("toml tab timeout -3", toml('[build]\ntabs = ["a"]\n[tabs.a]\ntimeout = -3\n'), "warning",
         r"divebook\.toml:4: warning: a timeout must be"),
    Case("toml tab timeout words", toml('[tabs.a]\ntimeout = "soon"\n'), "warning", r"a timeout must be"),
    Case("toml tab timeout bool", toml('[tabs.a]\ntimeout = true\n'), "warning", r"a timeout must be"),
    Case("toml tab name unsafe", toml('[build]\ntabs = ["../up"]\n'), "warning", r"tab name '\.\./up'"),
    Case("toml tab table unsafe", toml('[tabs."a b"]\nkernel = "python3"\n'), "warning", r"tab name 'a b'"),
    Case("toml tabs not tables", toml("tabs = 3\n"), "usage", r"`tabs` must be a table"),
    Case("toml requirements not a list", toml('[tabs.a]\nrequirements = "torch"\n'), "usage",
         r"requirements must be a list"),
    Case("toml library without file", toml('[tabs.a.library]\nname = "x"\n'), "usage",
         r"needs `file`"),
    Case("toml header link javascript",
         toml('[[html.header_links]]\nname = "x"\nurl = " java\\tscript:alert(1)"\n'), "warning",
         r"uses `javascript:`"),
    Case("toml header link https", toml('[[html.header_links]]\nname = "x"\nurl = "https://a.example"\n'),
         "fine"),
    Case("toml unknown table", toml("[nonsense]\nx = 1\n"), "warning", r"unknown table \[nonsense\]"),
    Case("toml unknown key", toml('[build]\nnotebookz = ["*.md"]\n'), "warning", r"unknown key `notebookz`"),
    Case("toml pages not tables", toml('pages = 3\n'), "usage", r"`pages` must hold tables"),
    Case("toml pages unknown key", toml('[pages."*.md"]\ngpus = 1\n'), "warning", r"unknown key `gpus`"),
    Case("toml overlay non-utf8", {**ini(""), "divebook.toml": b"# \xff\n"}, "usage", r"divebook\.toml:1: error"),
    # ---- toc and pages ----------------------------------------------------------
    Case("toc entry is a folder", {**book(), "a.md": None, "a.md/x.txt": "x"}, "warning",
         r"index\.md:6: warning: toc entry `a` names no page"),
    Case("toc entry missing", book(index_DOT_md="# B\n\n```toc\nnope\n```\n"), "warning",
         r"index\.md:4: warning: toc entry `nope`"),
    Case("toc entry up and out", book(index_DOT_md="# B\n\n```toc\n../../etc/passwd\n```\n"), "warning",
         r"index\.md:4: warning: toc entry"),
    Case("toc entry absolute", book(index_DOT_md="# B\n\n```toc\n/etc/passwd\n```\n"), "warning",
         r"index\.md:4: warning: toc entry"),
    Case("toc empty", book(index_DOT_md="# B\n\n```toc\n```\n"), "warning", r"a\.md:1: warning: this page is in no `toc`"),
    Case("toc unclosed", book(index_DOT_md="# B\n\n```toc\na\n"), "fine"),
    Case("page non-utf8", page(b"# A\n\ncaf\xe9\n"), "warning", r"a\.md:3: warning"),
    Case("page NUL bytes", page(b"# A\n\nx\x00y\n"), "fine"),
    Case("page encoded surrogate", page(b"# A\n\n\xed\xa0\x80\n"), "warning", r"a\.md:3: warning"),
    Case("page control bytes", page("# A\n\nx\x01\x1b[31my\n"), "fine"),
    Case("page empty", page(""), "fine"),
    Case("page only spaces", page("   \n\n  \n"), "fine"),
    Case("page unclosed fence", page("# A\n\n```python\nx = 1\n"), "warning", r"a\.md:3: warning"),
    Case("page duplicate label", page("# A\n:label:`x`\n\n## B\n:label:`x`\n"), "warning",
         r"a\.md:4: warning: label `x` is already used at a\.md:1"),
    Case("page unresolved ref", page("# A\n\n:numref:`nowhere`\n"), "warning", r"a\.md:3: warning"),
    Case("page missing image", page("# A\n\n![x](img/none.png)\n"), "warning", r"a\.md:3: warning"),
    Case("page image outside", page("# A\n\n![x](../../../../etc/passwd)\n"), "warning", r"a\.md:3: warning"),
    Case("page cite unknown", page("# A\n\n:cite:`Nobody`\n"), "warning", r"a\.md:3: warning"),
    Case("page bad front matter", page("---\nkey: [\n---\n# A\n"), "warning", r"a\.md:\d+: warning"),
    Case("page front matter timeout -1", page("---\ntimeout: -1\n---\n# A\n"), "fine"),
    Case("page begin_tab unclosed", page("# A\n\n:begin_tab:`x`\ntext\n"), "warning", r"a\.md:\d+: warning"),
    Case("page eval_rst raw", page("# A\n\n```eval_rst\n.. raw:: html\n\n   <b>x</b>\n```\n"), "fine"),
    Case("page dollar unclosed", page("# A\n\n$$x = 1\n"), "warning", r"a\.md:3: warning: `\$\$` opens no equation"),
    Case("page long line", page("# A\n\n" + "x" * 200_000 + "\n"), "fine"),
    Case("page deep heading", page("# A\n\n###### six\n\n####### seven\n"), "fine"),
    Case("page heading markup", page("# [bold]Title[/bold] :label: :smile:\n"), "fine"),
    # ---- paths that lead out of the book (a file beside it holds a secret) ----------
    Case("image symlink to a file outside", page("# A\n\n![pw](img/pw.svg)\n"), "warning",
         r"a\.md:3: warning: .*img/pw\.svg", links={"img/pw.svg": SECRET_FILE}),
    Case("image symlink outside, notebooks and zip", page("# A\n\n![pw](img/pw.svg)\n\n```{.python .input}\n1\n```\n"),
         "warning", r"a\.md:3: warning: .*img/pw\.svg", ("build", "html", "notebooks", "--no-eval", "--jobs", "1",
                                                       "-C", "BOOK", "--out", "OUT"),
         links={"img/pw.svg": SECRET_FILE}),
    Case("image symlink, relative target", page("# A\n\n![pw](img/pw.png)\n"), "warning",
         r"a\.md:3: warning", links={"img/pw.png": "../../outside/secret.txt"}),
    Case("image folder symlink outside", page("# A\n\n![pw](img/secret.txt)\n"), "warning",
         r"a\.md:3: warning", links={"img": "@TMP@/outside"}),
    Case("raw html :file: absolute outside",
         page(f"# A\n\n```eval_rst\n.. raw:: html\n   :file: {SECRET_FILE}\n```\n"), "warning",
         r"a\.md:\d+: warning: .*secret\.txt"),
    Case("raw html :file: ../ outside",
         page("# A\n\n```eval_rst\n.. raw:: html\n   :file: ../outside/secret.txt\n```\n"), "warning",
         r"a\.md:\d+: warning: .*outside/secret\.txt"),
    Case("raw html :file: /etc/passwd",
         page("# A\n\n```eval_rst\n.. raw:: html\n   :file: /etc/passwd\n```\n"), "warning",
         r"a\.md:\d+: warning: .*/etc/passwd"),
    Case("raw html :file: symlink outside",
         page("# A\n\n```eval_rst\n.. raw:: html\n   :file: inc.html\n```\n"), "warning",
         r"a\.md:\d+: warning", links={"inc.html": SECRET_FILE}),
    Case("page symlink outside", book(index_DOT_md=TWO_PAGES), "warning", r"index\.md:5: warning: .*`b`",
         links={"b.md": "@TMP@/outside/page.md"}),
    Case("favicon outside", ini("[html]\nfavicon = ../outside/secret.txt\n"), "warning",
         r"config\.ini:4: warning: .*favicon"),
    Case("favicon absolute", ini(f"[html]\nfavicon = {SECRET_FILE}\n"), "warning",
         r"config\.ini:4: warning: .*favicon"),
    Case("favicon symlink outside", ini("[html]\nfavicon = fav.ico\n"), "warning",
         r"config\.ini:4: warning: .*favicon", links={"fav.ico": SECRET_FILE}),
    Case("include_css outside", ini("[html]\ninclude_css = ../outside/secret.txt\n"), "warning",
         r"config\.ini:4: warning: .*include_css"),
    Case("include_js outside", ini("[html]\ninclude_js = ok.js, ../outside/secret.txt\n"), "warning",
         r"config\.ini:4: warning: .*include_js"),
    Case("include_js symlink outside", ini("[html]\ninclude_js = s.js\n"), "warning",
         r"config\.ini:4: warning: .*include_js", links={"s.js": SECRET_FILE}),
    Case("bibfile outside", ini("[pdf]\nbibfile = ../outside/secret.txt\n"), "warning",
         r"config\.ini:4: warning: .*bibfile"),
    Case("bibfile symlink outside", ini("[pdf]\nbibfile = refs.bib\n"), "warning",
         r"config\.ini:4: warning: .*bibfile", links={"refs.bib": SECRET_FILE}),
    Case("tab ../../../x", ini("[build]\ntabs = pytorch, ../../../x\n"), "warning",
         r"config\.ini:4: warning: .*tab name '\.\./\.\./\.\./x'"),
    Case("no index page", {"config.ini": INI, "a.md": PAGE}, "error", r"root page `index\.md` does not exist"),
    Case("folder named like a page", {**book(), "b.md/c.md": "# C\n"}, "warning", r"b\.md/c\.md:1: warning: this page is in no `toc`"),
    # ---- the command line -------------------------------------------------------
    Case("--jobs 0", book(), "usage", r"--jobs: 0 must be 1 or more", ("build", "--jobs", "0", "-C", "BOOK")),
    Case("--jobs -1", book(), "usage", r"--jobs: -1 must be 1 or more", ("build", "--jobs", "-1", "-C", "BOOK")),
    Case("--jobs words", book(), "usage", r"--jobs: 'many' is not a whole number",
         ("build", "--jobs", "many", "-C", "BOOK")),
    Case("--port 99999", book(), "usage", r"--port: 99999 is not a port", ("serve", "--port", "99999", "-C", "BOOK")),
    Case("--port -1", book(), "usage", r"--port: -1 is not a port", ("serve", "--port", "-1", "-C", "BOOK")),
    Case("--port 65536", book(), "usage", r"--port: 65536 is not a port", ("serve", "--port", "65536", "-C", "BOOK")),
    Case("--port words", book(), "usage", r"not a port number", ("serve", "--port", "http", "-C", "BOOK")),
    Case("--out is a file", book(), "usage", r"--out .*afile: a file is in the way",
         ("build", "--no-eval", "-C", "BOOK", "--out", "TMP/afile"), {"afile": "keep me"}),
    Case("--out under a file", book(), "usage", r"--out .*afile/x: cannot create the folder",
         ("build", "--no-eval", "-C", "BOOK", "--out", "TMP/afile/x"), {"afile": "keep me"}),
    Case("--out in /proc", book(), "usage", r"--out /proc/x: cannot create the folder",
         ("build", "--no-eval", "-C", "BOOK", "--out", "/proc/x")),
    Case("check --out is a file", book(), "usage", r"a file is in the way",
         ("check", "-C", "BOOK", "--out", "TMP/afile"), {"afile": "keep me"}),
    Case("--tab unknown", book(), "usage", r"--tab nope: the book has tabs",
         ("build", "--no-eval", "-C", "BOOK", "--out", "OUT", "--tab", "nope")),
    Case("unknown target", book(), "usage", r"unknown build target `website`",
         ("build", "website", "--no-eval", "-C", "BOOK", "--out", "OUT")),
    Case("dask without scheduler", book(), "usage", r"--executor dask needs --scheduler",
         ("build", "--executor", "dask", "-C", "BOOK", "--out", "OUT")),
    Case("-C missing folder", book(), "usage", r"error: no such book folder",
         ("build", "--no-eval", "-C", "TMP/nothing", "--out", "OUT")),
    Case("-C a file", book(), "usage", r"error: no such book folder",
         ("build", "--no-eval", "-C", "TMP/afile", "--out", "OUT"), {"afile": "x"}),
    Case("-C not a book", book(), "usage", r"not a book: no config\.ini",
         ("build", "--no-eval", "-C", "TMP/empty", "--out", "OUT"), {"empty/": ""}),
    Case("init under a file", book(), "usage", r"cannot create the book in .*afile/x: Not a directory",
         ("init", "TMP/afile/x"), {"afile": "x"}),
    Case("init in /proc", book(), "usage", r"cannot create the book in /proc/x", ("init", "/proc/x")),
    Case("init into a non-empty folder", book(), "usage", r"exists and is not empty", ("init", "BOOK")),
    Case("init onto a file", book(), "usage", r"exists and is not empty", ("init", "TMP/afile"), {"afile": "x"}),
    Case("check with a broken config", book(b"[project]\ntitle = \xff\n"), "usage", r"config\.ini:2: error",
         ("check", "-C", "BOOK", "--out", "OUT")),
    Case("env with a broken config", book(b"[project]\ntitle = \xff\n"), "usage", r"config\.ini:2: error",
         ("env", "-C", "BOOK")),
    Case("no command", book(), "usage", r"usage: divebook", ()),
    # ---- clean: never the book, nor a folder above it ---------------------------
    Case("clean --out the book", book(), "usage", r"refusing to remove .*Nothing was removed",
         ("clean", "-C", "BOOK", "--out", "BOOK")),
    Case("clean --cache --out the book", {**book(), ".cache/keep.txt": "mine"}, "usage",
         r"refusing to remove .*Nothing was removed", ("clean", "--cache", "-C", "BOOK", "--out", "BOOK")),
    Case("clean --out .. inside the book", book(), "usage", r"refusing to remove .*Nothing was removed",
         ("clean", "--out", ".."), cwd="BOOK"),
    Case("clean --out . inside the book", book(), "usage", r"refusing to remove .*Nothing was removed",
         ("clean", "--out", "."), cwd="BOOK"),
    Case("clean --out the folder above", book(), "usage", r"refusing to remove .*Nothing was removed",
         ("clean", "-C", "BOOK", "--out", "TMP")),
    Case("clean --out a foreign folder", book(), "usage", r"refusing to remove .*Nothing was removed",
         ("clean", "-C", "BOOK", "--out", "TMP/theirs"), {"theirs/notes.txt": "keep me"}),
    Case("build --out the book", book(), "usage", r"refusing to write into --out",
         ("build", "--no-eval", "-C", "BOOK", "--out", "BOOK")),
    Case("build --out .. inside the book", book(), "usage", r"refusing to write into --out",
         ("build", "--no-eval", "--out", ".."), cwd="BOOK"),
    # ---- links: a link that leads nowhere is a warning at its line ----------------
    Case("link to a missing anchor", page("# A\n\nSee [x](#nowhere).\n"), "warning",
         r"a\.md:3: warning: link to `#nowhere`: this page has no such anchor"),
    Case("link to a missing anchor of a page", page("# A\n\nSee [x](index.md#nope).\n"), "warning",
         r"a\.md:3: warning: link to `index\.md#nope`: page `index\.md` has no anchor"),
    Case("link to a file not in the site", page("# A\n\n[x](../up.txt) [y](a%20b.csv)\n"), "warning",
         r"a\.md:3: warning: link to `\.\./up\.txt`: it leads out of the website"),
    Case("link to a port that cannot be", page("# A\n\n[x](http://127.0.0.1:99999/)\n"), "error",
         r"a\.md:3: error: link to http://127\.0\.0\.1:99999/: cannot be asked",
         ("check", "--links", "-C", "BOOK", "--out", "OUT")),
    Case("linkcheck timeout nan", ini("[linkcheck]\ntimeout = nan\n"), "warning",
         r"config\.ini:4: warning: \[linkcheck\] timeout: 'nan' is not a number above 0",
         ("check", "-C", "BOOK", "--out", "OUT")),
    Case("linkcheck timeout 0", toml("[linkcheck]\ntimeout = 0\n"), "warning",
         r"divebook\.toml:2: warning: \[linkcheck\] timeout: 0 is not a number above 0",
         ("check", "--links", "-C", "BOOK", "--out", "OUT")),
    Case("linkcheck bad regex", toml("[linkcheck]\nignore = [\"(\"]\n"), "warning",
         r"divebook\.toml:2: warning: \[linkcheck\] ignore: `\(` is not a regular expression",
         ("check", "-C", "BOOK", "--out", "OUT")),
    Case("linkcheck remap not a table", toml("[linkcheck]\nremap = 5\n"), "fine"),
    Case("linkcheck unknown key", toml("[linkcheck]\nworkerz = 3\n"), "warning",
         r"divebook\.toml:2: warning: unknown key `workerz` in \[linkcheck\]"),
]
