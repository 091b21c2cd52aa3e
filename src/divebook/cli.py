"""The ``divebook`` command: init, build, check, serve, env, clean.

Exit status: 0 built, 1 the book has errors, or warnings under --strict (all
reported, the rest built), 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.text import Text

from . import __version__
from .context import TARGETS, BuildContext, BuildOptions, UsageError
from .build import build, check, exit_status, is_strict
from .config import Config
from .console import literal, make_console, problem
from .diagnostics import ConfigError, Diagnostic
from .outlock import OutputBusy, output_lock

EXIT_OK, EXIT_BOOK_ERRORS, EXIT_USAGE = 0, 1, 2


def _positive_int(text: str) -> int:
    """``--jobs``: 1 or more (0 or a negative count would mean nothing ever runs)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be 1 or more (leave it out for one per core)")
    return value


def _port(text: str) -> int:
    """``--port``: a TCP port, 1 to 65535, or 0 for any free one (the address printed says which)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port: choose one from 1024 to 65535, "
                                         "or 0 for any free port")
    return value


def _common(parser: argparse.ArgumentParser, out: bool = True) -> None:
    parser.add_argument("-C", dest="book", default=".", metavar="BOOK",
                        help="the book's folder (default: the current folder)")
    if out:
        parser.add_argument("--out", metavar="DIR", help="where to write (default: BOOK/_build)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="divebook", description="Build executable textbooks: website, PDF, EPUB, notebooks, "
        "slides and a companion library from Markdown (reads d2lbook books unchanged).")
    parser.add_argument("--version", action="version", version=f"divebook {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", help="start a new book that builds at once")
    p.add_argument("dir", metavar="DIR", help="folder to create (must be empty or new)")

    p = sub.add_parser("build", help="build the book",
                       description="Build the book. Targets: html (default), pdf, epub, notebooks, slides, lib, all.")
    p.add_argument("targets", nargs="*", metavar="TARGET", help=f"{', '.join(TARGETS)} or all")
    _common(p)
    p.add_argument("--tab", metavar="T", help="framework tab of the PDF (default: the book's default "
                   "tab; `all` for one PDF per tab) and of the EPUBs, notebooks and slides (default: every tab)")
    p.add_argument("--no-eval", action="store_true", help="do not run the code")
    p.add_argument("--jobs", type=_positive_int, default=0, metavar="N",
                   help="kernels and workers at once (default: number of cores)")
    p.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="where code runs: local processes or a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDR", help="Dask scheduler address (tcp://HOST:PORT)")
    p.add_argument("--shared-disk", action="store_true",
                   help="Dask workers see the build folder at the same path: run pages there instead of "
                        "shipping each page's files with its task")
    p.add_argument("--lang", metavar="L", help="language to build for a translated book")
    p.add_argument("--strict", action="store_true",
                   help="fail (exit 1) on any warning too, like Sphinx's -W ([build] strict = true)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    p.add_argument("--no-wait", action="store_true",
                   help="if another build is writing the output folder, stop at once (exit 2) "
                   "instead of waiting for it")

    p = sub.add_parser("check", help="report every problem without building")
    _common(p)
    p.add_argument("--translation", action="store_true",
                   help="also print the translation status of every page and the pairing "
                        "problems (file and line) of a translated book")
    p.add_argument("--strict", action="store_true",
                   help="fail (exit 1) on any warning too, like Sphinx's -W ([build] strict = true)")
    p.add_argument("--links", action="store_true",
                   help="also ask every http(s) address of the book (settings: [linkcheck]); "
                        "a broken or unreachable one is an error")
    p.add_argument("--anchors", action="store_true",
                   help="with --links: check the #anchor of external HTML pages too")
    p.add_argument("--remap", action="append", default=[], metavar="'REGEX REPLACEMENT'",
                   help="with --links: ask REPLACEMENT instead of what REGEX matches (a mirror, "
                        "a local test server); may be given more than once")

    p = sub.add_parser("serve", help="build, serve and rebuild on every change (live preview)")
    _common(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=_port, default=8000, help="port (default: 8000; 0: any free port)")
    p.add_argument("--no-eval", action="store_true", help="do not run the code")
    p.add_argument("--lang", metavar="L", help="language to serve for a translated book")
    p.add_argument("--no-wait", action="store_true",
                   help="if a build is writing the output folder, stop at once (exit 2)")

    p = sub.add_parser("env", help="create or repair the per-tab environments and kernels")
    _common(p, out=False)
    p.add_argument("--tab", metavar="T", help="only this tab")
    p.add_argument("--upgrade", action="store_true",
                   help="resolve the requirements again and rewrite divebook.lock (newest allowed versions)")

    p = sub.add_parser("clean", help="remove the build folder (or only its cache)")
    _common(p)
    p.add_argument("--cache", action="store_true", help="remove only the cache (_build/.cache)")
    return parser


def print_diagnostics(console: Console, items: list[Diagnostic], strict: bool = False) -> None:
    """Each problem as ``file:line: severity: message``; warnings show red under strict.

    Messages quote book text ([library-pytorch], :label:`x`): printed literally, never as markup.
    """
    for d in items:
        color = "red" if d.severity == "error" or strict else "yellow"
        where = f"{d.file}:{d.line}" if d.line else d.file
        console.print(problem(where, d.severity, d.message, color), soft_wrap=True)


def print_settings(console: Console, config: Config, origins: dict[str, str]) -> None:
    """Which file each setting comes from: one line for one file, every setting for an overlay."""
    files = list(dict.fromkeys([config.source, *config.files.values()]))
    if not config.source:
        console.print("settings: none (no config.ini or divebook.toml; the defaults)", highlight=False)
    elif len(files) == 1:
        console.print(literal(f"settings: all from {config.source}"))
    else:
        console.print(literal(f"settings: {files[0]}, added to and overridden by {', '.join(files[1:])}:"))
        width = max(map(len, origins), default=0)
        for name, where in origins.items():
            console.print(literal(f"  {name.ljust(width)}  {where}"))


def _summary(console: Console, ctx: BuildContext, verb: str, seconds: float) -> None:
    strict = is_strict(ctx)
    items = ctx.diags.sorted()
    print_diagnostics(console, items, strict)
    errors = sum(1 for d in items if d.severity == "error")
    warnings = len(items) - errors
    pages = len(ctx.book.pages) if ctx.book else int(ctx.extra.get("page_count", 0))  # type: ignore[arg-type]
    color = "red" if errors or (strict and warnings) else ("yellow" if warnings else "green")
    unchanged = " (nothing changed)" if ctx.extra.get("unchanged") else ""
    rule = " (--strict: warnings are errors)" if strict else ""
    console.print(f"[{color}]{verb} {pages} pages in {seconds:.2f} s{unchanged}: {errors} errors, "
                  f"{warnings} warnings{rule}[/{color}]", highlight=False)


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    err = make_console()
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return _run(args, err)
    except ConfigError as exc:
        err.print(problem(f"{exc.file}:{exc.line}" if exc.line else exc.file, "error", exc.message),
                  soft_wrap=True)
        return EXIT_USAGE
    except (UsageError, OutputBusy) as exc:
        err.print(literal(f"divebook: {exc}", "red"), soft_wrap=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.print(literal("interrupted", "yellow"))
        return 130
    except OSError as exc:  # the machine refused: a full disk, a folder not writable, a file in the way
        where = exc.filename if exc.filename else ""
        err.print(problem(str(where), "error", f"{exc.strerror or exc}; check that the place can be "
                          "written (or choose another with --out)"), soft_wrap=True)
        return EXIT_USAGE


def _run(args: argparse.Namespace, err: Console) -> int:
    if args.command == "init":
        from .init import init_book

        target = init_book(Path(args.dir))
        err.print(Text.assemble((f"Created a new book in {target}.", "green"), " Build it with:\n"
                                f"  divebook build -C {args.dir}\nand open {args.dir}/_build/html/index.html"))
        return EXIT_OK
    book = Path(args.book)
    if args.command == "build":
        options = BuildOptions(book=book, out=Path(args.out) if args.out else None,
                               targets=args.targets, tab=args.tab, evaluate=not args.no_eval,
                               jobs=args.jobs, executor=args.executor, scheduler=args.scheduler,
                               shared_disk=args.shared_disk, lang=args.lang, strict=args.strict, quiet=args.quiet,
                               wait=not args.no_wait,
                               notify=lambda m: err.print(f"divebook: {m}", markup=False))
        if args.executor == "dask" and not args.scheduler:
            raise UsageError("--executor dask needs --scheduler tcp://HOST:PORT")
        start = time.perf_counter()
        ctx = build(options)
        status = exit_status(ctx)
        _summary(err, ctx, "built", time.perf_counter() - start)
        if not args.quiet:
            for target, where in ctx.extra.get("where", {}).items():  # type: ignore[union-attr]
                err.print(literal(f"  {target}: {where}"), soft_wrap=True)
            err.print(literal(f"  report: {ctx.out / 'report.json'}"), soft_wrap=True)
        return status
    if args.command == "check":
        options = BuildOptions(book=book, out=Path(args.out) if args.out else None,
                               strict=args.strict, evaluate=False)
        start = time.perf_counter()
        links = None
        if args.links:
            from .linkcheck.report import check_external_links, link_settings

            links = lambda ctx: check_external_links(  # noqa: E731
                ctx, link_settings(ctx, args.anchors, args.remap))
        status, ctx = check(options, links)
        print_settings(err, ctx.config, ctx.extra["settings"])  # type: ignore[arg-type]
        if args.translation and "translation" in ctx.extra:
            from .languages.report import print_translation_status

            print_translation_status(err, ctx.extra["translation"])
        if "links" in ctx.extra:
            from .linkcheck.report import print_link_table

            print_link_table(err, ctx.extra["links"])  # type: ignore[arg-type]
        _summary(err, ctx, "checked", time.perf_counter() - start)
        return status
    if args.command == "clean":
        from .build import prepare

        from .confine import OutputRefused, check_removable

        ctx = prepare(BuildOptions(book=book, out=Path(args.out) if args.out else None))
        target = ctx.out / ".cache" if args.cache else ctx.out
        if not target.exists() and not target.is_symlink():
            return EXIT_OK
        try:  # only a folder divebook made, never the book, a folder above it, ~ or /
            check_removable(ctx.out, ctx.config.root)
        except OutputRefused as exc:
            raise UsageError(f"{exc}. Nothing was removed.") from None
        try:  # never under a running build or serve (they hold the lock; clean does not wait)
            with output_lock(ctx.out, wait=False):
                if target.is_symlink() or not target.is_dir():
                    target.unlink()  # the link alone, never what it points to
                else:
                    shutil.rmtree(target)
                    err.print(literal(f"removed {target}"), soft_wrap=True)
        except OutputBusy as exc:
            raise UsageError(f"{ctx.out} is in use by {exc.holder} (a build or `divebook serve`); "
                             "run clean when it has finished. Nothing was removed.") from None
        return EXIT_OK
    if args.command == "serve":
        from .serve import serve

        return serve(book, Path(args.out) if args.out else None, args.host, args.port,
                     evaluate=not args.no_eval, lang=args.lang, wait=not args.no_wait)
    if args.command == "env":
        from .envs import ensure_envs

        return ensure_envs(book, args.tab, err, upgrade=args.upgrade)
    raise UsageError(f"unknown command {args.command}")


if __name__ == "__main__":
    sys.exit(main())
