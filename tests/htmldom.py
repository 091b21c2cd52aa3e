"""A small HTML tree for tests (the standard library's parser; no extra dependency)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Callable, Iterator

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list["Element | str"] = field(default_factory=list)
    parent: "Element | None" = None

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        """The text inside, scripts and styles left out, whitespace collapsed."""
        parts: list[str] = []

        def collect(node: "Element | str") -> None:
            if isinstance(node, str):
                parts.append(node)
            elif node.tag not in ("script", "style"):
                for child in node.children:
                    collect(child)

        collect(self)
        return " ".join("".join(parts).split())

    def iter(self) -> Iterator["Element"]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, match: Callable[["Element"], bool] | str) -> list["Element"]:
        """Elements matching a predicate, or a simple selector: "tag", ".class", "tag.class"."""
        if isinstance(match, str):
            tag, _, cls = match.partition(".")
            match = lambda e: (not tag or e.tag == tag) and (not cls or cls in e.classes)  # noqa: E731
        return [e for e in self.iter() if match(e)]

    def find(self, match: Callable[["Element"], bool] | str) -> "Element":
        found = self.find_all(match)
        assert found, f"no element matches {match}"
        return found[0]

    def ancestors(self) -> Iterator["Element"]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        element = Element(tag, {k: v or "" for k, v in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):  # type: ignore[no-untyped-def]
        element = Element(tag, {k: v or "" for k, v in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(element)

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Element:
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root
