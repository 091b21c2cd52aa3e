"""What one ``#@save`` mark saves: each rule of docs/library.md on a tiny cell."""

from __future__ import annotations

import textwrap

from divebook.library.blocks import saved_lines


def saved(code: str) -> list[str]:
    blocks, problems = saved_lines(textwrap.dedent(code).strip("\n"))
    assert not problems, problems
    return [b.code for b in blocks]


def test_mark_at_line_end_saves_that_statement_and_its_body():
    code = """
        def f(x):  #@save
            return x + 1

        y = f(1)
    """
    assert saved(code) == ["def f(x):\n    return x + 1"]


def test_mark_alone_saves_the_statement_below_with_decorators():
    code = """
        x = 0
        #@save
        @d2l.add_to_class(Model)
        @staticmethod
        def g(self):
            return 2

        print(g)
    """
    assert saved(code) == ["@d2l.add_to_class(Model)\n@staticmethod\ndef g(self):\n    return 2"]


def test_mark_on_first_line_of_an_import_cell_saves_the_whole_cell():
    code = """
        #@save
        import os
        import sys
        from collections import defaultdict
        d2l = sys.modules[__name__]
    """
    assert saved(code) == ["import os\nimport sys\nfrom collections import defaultdict\n"
                           "d2l = sys.modules[__name__]"]


def test_a_blank_line_then_new_statement_ends_the_block():
    code = """
        #@save
        DATA = {'a': (1,
                      2)}

        data_dir = download('a')
    """
    assert saved(code) == ["DATA = {'a': (1,\n              2)}"]


def test_two_defs_without_blank_line_second_not_saved():
    # d2lbook's rule: after the indented body, the next unindented line stops the block.
    code = """
        #@save
        def a():
            pass
        def b():
            pass
    """
    assert saved(code) == ["def a():\n    pass"]


def test_each_mark_saves_its_own_block_and_marks_inside_a_block_add_nothing():
    code = """
        DATA_HUB = dict()  #@save
        DATA_URL = 'http://x/'  #@save

        #@save
        def f():
            return DATA_URL
    """
    assert saved(code) == ["DATA_HUB = dict()\nDATA_URL = 'http://x/'",
                           "def f():\n    return DATA_URL"]


def test_a_mark_inside_a_string_is_left_alone():
    assert saved("s = '#@save'  #@save\nt = '#@save'") == ["s = '#@save'\nt = '#@save'"]


def test_mark_with_spaces_is_a_mark_but_save_all_is_not():
    assert saved("x = 1  # @save") == ["x = 1"]
    assert saved("x = 1  #@save_all") == []


def test_mark_line_numbers():
    blocks, _ = saved_lines("a = 1\n\n#@save\ndef f():\n    pass\nb = 2  #@save")
    assert [(b.first, b.mark) for b in blocks] == [(3, 2), (5, 5)]


def test_mark_that_saves_nothing_is_a_problem():
    for code in ["x = 1\n#@save", "#@save\n\ndef f():\n    pass", "#@save\n# only a comment"]:
        blocks, problems = saved_lines(code)
        assert blocks == [] and len(problems) == 1, code
        assert "saves nothing" in problems[0].message


def test_mark_on_an_indented_line_is_a_problem():
    blocks, problems = saved_lines("class A:\n    def f(self):  #@save\n        pass")
    assert blocks == []
    assert problems[0].line == 1 and "indented" in problems[0].message
