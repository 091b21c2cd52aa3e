"""HTML for the outputs of executed code cells."""

from __future__ import annotations

import html
import re

from ..tree import Output

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

#: Richest first: the first type an output has is the one shown.
MIME_ORDER = ["text/html", "image/svg+xml", "image/png", "image/jpeg", "image/gif",
              "text/latex", "text/markdown", "text/plain"]


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def clean_stream(text: str) -> str:
    """Drop what carriage returns overwrite (progress bars) and ANSI codes."""
    lines = []
    for line in strip_ansi(text).split("\n"):
        if "\r" in line:
            parts = [p for p in line.split("\r") if p]
            line = parts[-1] if parts else ""
        lines.append(line)
    return "\n".join(lines)


def render_outputs(outputs: list[Output], strings: dict[str, str]) -> str:
    parts = [render_output(o, strings) for o in outputs]
    return "".join(p for p in parts if p)


def render_output(output: Output, strings: dict[str, str]) -> str:
    if output.kind == "stream":
        text = clean_stream(output.text)
        if not text.strip():
            return ""
        cls = "stderr" if output.name == "stderr" else "stdout"
        return f'<pre class="output {cls}">{html.escape(text.rstrip())}</pre>'
    if output.kind == "error":
        trace = clean_stream("\n".join(output.traceback)) or f"{output.ename}: {output.evalue}"
        return f'<pre class="output error" role="alert">{html.escape(trace)}</pre>'
    data = output.data
    for mime in MIME_ORDER:
        if mime not in data:
            continue
        value = data[mime]
        value = "".join(value) if isinstance(value, list) else str(value)
        if mime == "text/html":
            return f'<div class="output html">{value}</div>'
        if mime == "image/svg+xml":
            return f'<div class="output image svg">{value}</div>'
        if mime.startswith("image/"):
            src = f"data:{mime};base64,{value.strip()}"
            return f'<div class="output image"><img src="{src}" alt="{html.escape(strings["output"])}"></div>'
        if mime == "text/latex":
            return f'<div class="output latex">{html.escape(value)}</div>'
        if mime == "text/markdown":
            return f'<div class="output markdown"><pre>{html.escape(value)}</pre></div>'
        return f'<pre class="output text">{html.escape(clean_stream(value).rstrip())}</pre>'
    return ""
