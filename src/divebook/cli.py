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
from rich.markup import escape

from . import __version__
from .build import TARGETS, BuildContext, BuildOptions, UsageError, build, check, exit_status, is_strict
from .outlock import OutputBusy
from .config import Config
from .diagnostics import ConfigError, Diagnostic

EXIT_OK, EXIT_BOOK_ERRORS, EXIT_USAGE = 0, 1, 2


def _common(parser: argparse.ArgumentParser, out: bool = True) -> None:
    parser.add_argument("-C", dest="book", default=".", metavar="BOOK",
                        help="the book's folder (default: the current folder)")
    if out:
        parser.add_argument("--out", metavar="DIR", help="where to write (default: BOOK/_build)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="divebook", description="Build executable textbooks: website, PDF, notebooks and a "
        "companion library from Markdown (reads d2lbook books unchanged).")
    parser.add_argument("--version", action="version", version=f"divebook {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", help="start a new book that builds at once")
    p.add_argument("dir", metavar="DIR", help="folder to create (must be empty or new)")

    p = sub.add_parser("build", help="build the book",
                       description="Build the book. Targets: html (default), pdf, notebooks, lib, all.")
    p.add_argument("targets", nargs="*", metavar="TARGET", help=f"{', '.join(TARGETS)} or all")
    _common(p)
    p.add_argument("--tab", metavar="T", help="framework tab of the PDF (default: the book's default "
                   "tab; `all` for one PDF per tab) and of the notebooks (default: every tab)")
    p.add_argument("--no-eval", action="store_true", help="do not run the code")
    p.add_argument("--jobs", type=int, default=0, metavar="N",
                   help="kernels and workers at once (default: number of cores)")
    p.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="where code runs: local processes or a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDR", help="Dask scheduler address (tcp://HOST:PORT)")
    p.add_argument("--lang", metavar="L", help="language to build for a translated book")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    p.add_argument("--no-wait", action="store_true",
                   help="if another build is writing the output folder, stop at once (exit 2) "
                   "instead of waiting for it")

    p = sub.add_parser("check", help="report every problem without building")
    _common(p)
    p.add_argument("--translation", action="store_true",
                   help="also print the translation status of every page")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")

    p = sub.add_parser("serve", help="build, serve and rebuild on every change (live preview)")
    _common(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--no-eval", action="store_true", help="do not run the code")
    p.add_argument("--lang", metavar="L", help="language to serve for a translated book")
    p.add_argument("--no-wait", action="store_true",
                   help="if a build is writing the output folder, stop at once (exit 2)")

    p = sub.add_parser("env", help="create or repair the per-tab environments and kernels")
    _common(p, out=False)
    p.add_argument("--tab", metavar="T", help="only this tab")

    p = sub.add_parser("clean", help="remove the build folder (or only its cache)")
    _common(p)
    p.add_argument("--cache", action="store_true", help="remove only the cache (_build/.cache)")
    return parser


def print_diagnostics(console: Console, items: list[Diagnostic], strict: bool = False) -> None:
    """Each problem as ``file:line: severity: message``; warnings show red under strict."""
    for d in items:
        severity = d.severity
        color = "red" if severity == "error" or strict else "yellow"
        where = f"{d.file}:{d.line}" if d.line else d.file
        # Messages quote config sections such as [library-pytorch]: not rich markup.
        console.print(f"[bold]{escape(where)}[/bold]: [{color}]{severity}[/{color}]: "
                      f"{escape(d.message)}",
                      highlight=False, markup=True, soft_wrap=True)


def print_settings(console: Console, config: Config, origins: dict[str, str]) -> None:
    """Which file each setting comes from: one line for one file, every setting for an overlay."""
    files = list(dict.fromkeys([config.source, *config.files.values()]))
    if not config.source:
        console.print("settings: none (no config.ini or divebook.toml; the defaults)", highlight=False)
    elif len(files) == 1:
        console.print(f"settings: all from {config.source}", highlight=False)
    else:
        console.print(f"settings: {files[0]}, added to and overridden by {', '.join(files[1:])}:",
                      highlight=False)
        width = max(map(len, origins), default=0)
        for name, where in origins.items():
            console.print(f"  {escape(name.ljust(width))}  {escape(where)}", highlight=False)


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
    err = Console(stderr=True, highlight=False)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return _run(args, err)
    except ConfigError as exc:
        err.print(f"[bold]{exc.file}{':' + str(exc.line) if exc.line else ''}[/bold]: "
                  f"[red]error[/red]: {exc.message}", highlight=False)
        return EXIT_USAGE
    except (UsageError, OutputBusy) as exc:
        err.print(f"[red]divebook: {escape(str(exc))}[/red]", highlight=False)
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/yellow]")
        return 130


def _run(args: argparse.Namespace, err: Console) -> int:
    if args.command == "init":
        from .init import init_book

        target = init_book(Path(args.dir))
        err.print(f"[green]Created a new book in {target}.[/green] Build it with:\n"
                  f"  divebook build -C {args.dir}\nand open {args.dir}/_build/html/index.html")
        return EXIT_OK
    book = Path(args.book)
    if args.command == "build":
        options = BuildOptions(book=book, out=Path(args.out) if args.out else None,
                               targets=args.targets, tab=args.tab, evaluate=not args.no_eval,
                               jobs=args.jobs, executor=args.executor, scheduler=args.scheduler,
                               lang=args.lang, strict=args.strict, quiet=args.quiet,
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
                err.print(f"  {target}: {where}", highlight=False)
            err.print(f"  report: {ctx.out / 'report.json'}", highlight=False)
        return status
    if args.command == "check":
        options = BuildOptions(book=book, out=Path(args.out) if args.out else None,
                               strict=args.strict, evaluate=False)
        start = time.perf_counter()
        status, ctx = check(options)
        print_settings(err, ctx.config, ctx.extra["settings"])  # type: ignore[arg-type]
        if args.translation and "translation" in ctx.extra:
            from .translation_report import print_translation_status

            print_translation_status(err, ctx.extra["translation"])
        _summary(err, ctx, "checked", time.perf_counter() - start)
        return status
    if args.command == "clean":
        from .build import prepare

        ctx = prepare(BuildOptions(book=book, out=Path(args.out) if args.out else None))
        target = ctx.out / ".cache" if args.cache else ctx.out
        if target.exists():
            shutil.rmtree(target)
            err.print(f"removed {target}", highlight=False)
        return EXIT_OK
    if args.command == "serve":
        from .serve import serve

        return serve(book, Path(args.out) if args.out else None, args.host, args.port,
                     evaluate=not args.no_eval, lang=args.lang, wait=not args.no_wait)
    if args.command == "env":
        from .envs import ensure_envs

        return ensure_envs(book, args.tab, err)
    raise UsageError(f"unknown command {args.command}")


if __name__ == "__main__":
    sys.exit(main())
