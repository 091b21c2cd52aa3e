"""HTML for cell outputs: streams, ANSI colours, progress bars, rich data, errors."""

from __future__ import annotations

import base64

from divebook.tree import Output
from divebook.writers.html.outputs import ansi_to_html, clean_stream, render_output, render_outputs

S = {"output": "Output"}


def test_carriage_returns_keep_only_what_the_terminal_finally_shows():
    bar = "  0%|          | 0/3\r 33%|###       | 1/3\r100%|##########| 3/3\nDone\n"
    assert clean_stream(bar) == "100%|##########| 3/3\nDone\n"
    assert clean_stream("abc\bd") == "abd"
    assert clean_stream("line\r\nnext") == "line\nnext"
    assert clean_stream("up\x1b[A\x1b[2Kdone") == "updone"  # cursor moves dropped


def test_ansi_colours_become_styled_spans_and_text_is_escaped():
    html = ansi_to_html("\x1b[31mred <b>\x1b[0m plain \x1b[1;38;5;28mbold green\x1b[39;22m")
    assert '<span style="color:#c0392b">red &lt;b&gt;</span>' in html
    assert " plain " in html
    assert 'color:#008700' in html and "font-weight:bold" in html
    assert "\x1b" not in html
    assert html.count("<span") == html.count("</span>")


def test_streams_show_stdout_and_stderr_apart():
    out = render_outputs([Output("stream", name="stdout", text="hello\n"),
                          Output("stream", name="stderr", text="careful\n")], S)
    assert '<pre class="output stdout">hello</pre>' in out
    assert '<pre class="output stderr">careful</pre>' in out
    assert render_output(Output("stream", name="stdout", text="\r\n  \n"), S) == ""


def test_errors_show_the_formatted_traceback_with_colours():
    tb = ["\x1b[31m---------\x1b[39m", "\x1b[31mZeroDivisionError\x1b[39m: division by zero"]
    html = render_output(Output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=tb), S)
    assert html.startswith('<pre class="output error" role="alert">')
    assert "ZeroDivisionError</span>: division by zero" in html


def test_rich_outputs_prefer_html_then_images_then_text():
    table = Output("execute_result", data={"text/html": "<table><tr><td>1</td></tr></table>",
                                           "text/plain": "   a\n0  1"})
    assert render_output(table, S) == '<div class="output html"><table><tr><td>1</td></tr></table></div>'
    png = base64.b64encode(b"\x89PNG fake").decode()
    img = render_output(Output("display_data", data={"image/png": png + "\n", "text/plain": "<Figure>"}), S)
    assert f'src="data:image/png;base64,{png}"' in img and 'alt="Output"' in img
    svg = render_output(Output("display_data", data={"image/svg+xml": '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg></svg>'}), S)
    assert svg == '<div class="output image svg"><svg></svg></div>'
    text = render_output(Output("execute_result", data={"text/plain": "tensor([1, 2])"}), S)
    assert text == '<pre class="output text">tensor([1, 2])</pre>'


def test_latex_outputs_become_mathml_and_markdown_is_rendered():
    math = render_output(Output("execute_result", data={"text/latex": "$\\displaystyle x^{2}$",
                                                         "text/plain": "x**2"}), S)
    assert math.startswith('<div class="output latex"><math') and "<msup>" in math
    md = render_output(Output("display_data", data={"text/markdown": "**bold** <script>x</script>"}), S)
    assert "<strong>bold</strong>" in md and "<script>" not in md
