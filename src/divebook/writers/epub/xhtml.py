"""A page body rendered as HTML -> an XHTML content document an EPUB can hold.

Why parse instead of writing XHTML directly: most of a page's markup is
ours, but some is not — raw HTML in the book, HTML that executed code
printed (pandas tables), SVG plots.  An HTML5 parser (html5lib, which follows
the WHATWG algorithm browsers use) reads all of it as a browser would, puts
SVG and MathML into their namespaces with their camel-cased names, and gives
an lxml tree that serialises as well-formed XML.  libxml2's HTML parser is
ten times faster but lowercases SVG's names (``viewBox``), which breaks plots.
The cost is paid once per page: rendered pages are cached (see target.py).

The tree is then made valid for EPUB 3: ids become XML names, obsolete
elements become their modern forms, images in ``data:`` URLs become files.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import unescape
from urllib.parse import unquote

import warnings

import html5lib
from html5lib.constants import DataLossWarning
from lxml import etree

XHTML = "http://www.w3.org/1999/xhtml"
SVG = "http://www.w3.org/2000/svg"
MATHML = "http://www.w3.org/1998/Math/MathML"
XLINK = "http://www.w3.org/1999/xlink"
OPS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_H = "{%s}" % XHTML
#: attribute namespaces EPUB XHTML may hold
_KNOWN = {XLINK, OPS, "http://www.w3.org/XML/1998/namespace"}
#: an XML name without a colon (what an id must be in XHTML)
_NCNAME = re.compile(r"^[^\W\d][\w.\-]*$")
_NOT_NAME = re.compile(r"[^\w.\-]+")
#: obsolete HTML elements EPUB's schema refuses -> what they mean now
_OBSOLETE = {"center": "div", "font": "span", "tt": "code", "big": "span", "strike": "s",
             "acronym": "abbr", "nobr": "span", "marquee": "div"}
#: presentational attributes HTML5 dropped (the look is left to the style sheet)
_DROPPED_ATTRIBUTES = {"align", "valign", "bgcolor", "border", "cellpadding", "cellspacing",
                       "width", "frame", "rules", "nowrap", "loading", "char", "charoff"}
_ELEMENTS_KEEPING_SIZE = {"img", "video", "canvas", "iframe", "object", "embed"}
_IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp",
                "image/svg+xml": "svg"}


def xml_id(value: str) -> str:
    """``value`` as a valid XML id; the same value always gives the same id (links follow)."""
    if _NCNAME.match(value):
        return value
    suffix = hashlib.sha1(value.encode("utf-8")).hexdigest()[:6]
    return f"id-{_NOT_NAME.sub('_', value).strip('_')}-{suffix}"


_NAMED_ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z][A-Za-z0-9]*;)")


def foreign_fragment(html: str) -> str:
    """HTML that is not ours (raw HTML in the book, a cell's HTML or SVG output) as XHTML
    markup, read by the HTML5 algorithm as a browser reads it."""
    with warnings.catch_warnings():  # names XML cannot hold (rdf:RDF) are coerced: expected
        warnings.simplefilter("ignore", DataLossWarning)
        parsed = html5lib.parseFragment(html, treebuilder="lxml", namespaceHTMLElements=False)
    out = []
    for node in parsed:
        if isinstance(node, str):
            out.append(escape_text(node))
            continue
        if not isinstance(node.tag, str):
            out.append(escape_text(node.tail or ""))
            continue
        holder = etree.Element("div")
        holder.append(node)
        for el in list(holder.iter()):
            if isinstance(el.tag, str) and el.tag.startswith(("{%s}" % SVG, "{%s}" % MATHML)):
                parent = el.getparent()
                if parent is not None and not parent.tag.startswith(el.tag.split("}")[0]):
                    _own_default_namespace(el, el.tag[1:].split("}")[0])
        out.append(etree.tostring(holder[0], encoding="unicode", with_tail=True))
    return "".join(out)


def escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def parse_xml_body(html: str) -> list[etree._Element] | None:
    """Our own markup, written XML-ready, read as XML (fast); None if it is not well-formed
    (``parse_body`` then reads it as HTML)."""
    text = _NAMED_ENTITY.sub(lambda m: "&#%d;" % ord(unescape("&" + m.group(1))[0])
                             if len(unescape("&" + m.group(1))) == 1 else m.group(0), html)
    try:
        holder = etree.fromstring(f'<div xmlns="{XHTML}">{text}</div>'.encode("utf-8"),
                                  parser=_XML_PARSER)
    except etree.XMLSyntaxError:
        return None
    nodes = list(holder)
    if holder.text and holder.text.strip():
        p = etree.Element(_H + "p")
        p.text = holder.text
        nodes.insert(0, p)
    return nodes


_XML_PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True, remove_comments=True)


def parse_body(html: str) -> list[etree._Element]:
    """The elements of an HTML fragment, as XHTML (a leading text node is wrapped in a <p>)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataLossWarning)
        parsed = html5lib.parseFragment(html, treebuilder="lxml", namespaceHTMLElements=True)
    nodes: list[etree._Element] = []
    for node in parsed:
        if isinstance(node, str):
            if node.strip():
                p = etree.Element(_H + "p")
                p.text = node
                nodes.append(p)
        else:
            nodes.append(node)
    return nodes


def clean(root: etree._Element, media: dict[str, bytes], base: str = "") -> None:
    """Make the tree under ``root`` valid EPUB XHTML, in place.

    ``media`` receives images found in ``data:`` URLs (package path -> bytes);
    the ``img`` then names the file (``images/output-<digest>.<ext>``, seen from
    the page through ``base``, e.g. ``../``), as readers handle files better than
    long URLs.
    """
    for el in list(root.iter()):
        if not isinstance(el.tag, str):  # comments, processing instructions
            if el.getparent() is not None:
                _drop_keeping_tail(el)
            continue
        ns, _, local = el.tag[1:].partition("}") if el.tag.startswith("{") else ("", "", el.tag)
        if ns not in (XHTML, SVG, MATHML) or (ns == SVG and local == "metadata"):
            # RDF, Inkscape's or Sodipodi's data in an SVG (matplotlib's creator and
            # date): EPUB refuses W3C namespaces it does not know, and readers show none
            _drop_keeping_tail(el)
            continue
        for name in [n for n in el.attrib if n.startswith("{") and n[1:].split("}")[0] not in _KNOWN]:
            del el.attrib[name]
        if ns == XHTML:
            if local in _OBSOLETE:
                el.tag = _H + _OBSOLETE[local]
            elif local in ("script", "style", "noscript", "iframe", "object", "embed", "form",
                           "input", "button", "link", "meta"):
                _drop_keeping_tail(el)
                continue
            for name in list(el.attrib):
                if name == "data-epub-type":  # written by the renderer: HTML has no namespaces
                    el.set("{%s}type" % OPS, el.attrib.pop(name))
                elif name in _DROPPED_ATTRIBUTES and not (name == "width" and local in _ELEMENTS_KEEPING_SIZE):
                    del el.attrib[name]
                elif name.startswith("on") or name.startswith("data-"):
                    del el.attrib[name]
            if local == "img":
                _image(el, media, base)
            elif local == "a" and el.get("href", "").startswith("javascript:"):
                del el.attrib["href"]
        elif ns in (SVG, MATHML) and (el.getparent() is None or el.getparent().tag.split("}")[0][1:] != ns):
            _own_default_namespace(el, ns)
        identifier = el.get("id")
        if identifier is not None:
            el.set("id", xml_id(identifier)) if identifier.strip() else el.attrib.pop("id")
        href = el.get("href")
        if href is not None and "#" in href and ns == XHTML:
            path, _, fragment = href.partition("#")
            if "://" not in path and not path.startswith(("mailto:", "data:")):
                # the id is made from the decoded anchor: links written as %EC%86%8C or 소 agree
                el.set("href", f"{path}#{xml_id(unquote(fragment))}" if fragment else path or "#")
    _mathml(root)
    _definition_lists(root)
    _svg_ids(root)


_M = "{%s}" % MATHML
_TOKENS = {_M + t for t in ("mi", "mn", "mo", "mtext", "ms")}


def _mathml(root: etree._Element) -> None:
    """What MathML 3's schema (EPUB's) refuses in latex2mathml's output, mended:
    a token holding elements (``\\mathop{\\mathrm{argmax}}`` makes ``<mo><mrow>``)
    keeps its text; an empty ``columnspacing`` is dropped (the default applies)."""
    for math in root.iter(_M + "math"):
        for el in list(math.iter()):
            if el.tag in _TOKENS and len(el):
                text = "".join(el.itertext())
                for child in list(el):
                    el.remove(child)
                el.text = text
            for name in ("columnspacing", "rowspacing", "columnalign", "rowalign"):
                if el.get(name) is not None and not el.get(name).strip():
                    del el.attrib[name]


_URL_REF = re.compile(r"url\(\s*#([^)\s]+)\s*\)")


def _svg_ids(root: etree._Element) -> None:
    """Ids inside each inline SVG made unique on the page (``svg2-DejaVuSans-30``), with the
    references to them: two matplotlib plots on one page repeat their glyph and clip ids."""
    svgs = [el for el in root.iter("{%s}svg" % SVG)
            if el.getparent() is None or el.getparent().tag != "{%s}svg" % SVG]
    for n, svg in enumerate(svgs, 1):
        names = {el.get("id"): f"svg{n}-{el.get('id')}" for el in svg.iter()
                 if isinstance(el.tag, str) and el.get("id")}
        if not names:
            continue
        for el in svg.iter():
            if not isinstance(el.tag, str):
                continue
            for attr, value in el.attrib.items():
                if attr == "id":
                    el.set(attr, names.get(value, value))
                elif value.startswith("#") and value[1:] in names:
                    el.set(attr, "#" + names[value[1:]])
                elif "url(" in value:
                    el.set(attr, _URL_REF.sub(lambda m: f"url(#{names.get(m.group(1), m.group(1))})", value))


def _definition_lists(root: etree._Element) -> None:
    """A ``<dl>`` whose last term has no definition (an API entry) gets an empty one."""
    for dl in root.iter(_H + "dl"):
        if len(dl) and dl[-1].tag == _H + "dt":
            etree.SubElement(dl, _H + "dd")


def _image(img: etree._Element, media: dict[str, bytes], base: str) -> None:
    src = img.get("src", "")
    if src.startswith("data:"):
        header, _, payload = src[5:].partition(",")
        mime = header.split(";")[0].strip().lower()
        ext = _IMAGE_TYPES.get(mime)
        if ext is None or ";base64" not in header:
            _replace_with_alt(img)
            return
        try:
            data = base64.b64decode(payload, validate=False)
        except ValueError:
            _replace_with_alt(img)
            return
        name = f"images/output-{hashlib.sha256(data).hexdigest()[:16]}.{ext}"
        media[name] = data
        img.set("src", base + name)
    if img.get("alt") is None:
        img.set("alt", "")


def _replace_with_alt(img: etree._Element) -> None:
    span = etree.Element(_H + "span")
    span.text = img.get("alt") or ""
    span.tail = img.tail
    img.getparent().replace(img, span)


def _drop_keeping_tail(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail or ""
    previous = el.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _own_default_namespace(el: etree._Element, ns: str) -> None:
    """Give an SVG or MathML root its namespace as the default one (``<svg xmlns=...>``),
    as readers expect, instead of the ``ns0:`` prefix lxml would invent."""
    nsmap = {None: ns, "xlink": XLINK} if ns == SVG else {None: ns}
    twin = etree.Element(el.tag, attrib=dict(el.attrib), nsmap=nsmap)
    twin.text, twin.tail = el.text, el.tail
    twin.extend(list(el))
    parent = el.getparent()
    if parent is not None:
        parent.replace(el, twin)


def document(title: str, lang: str, body: list[etree._Element], css: str,
             body_class: str = "", epub_type: str = "") -> etree._Element:
    """An XHTML content document around ``body``."""
    root = etree.Element(_H + "html", nsmap={None: XHTML, "epub": OPS})
    root.set("lang", lang)
    root.set(XML_LANG, lang)
    head = etree.SubElement(root, _H + "head")
    etree.SubElement(head, _H + "meta", charset="utf-8")
    etree.SubElement(head, _H + "title").text = title
    etree.SubElement(head, _H + "link", rel="stylesheet", type="text/css", href=css)
    body_el = etree.SubElement(root, _H + "body")
    if body_class:
        body_el.set("class", body_class)
    if epub_type:
        body_el.set("{%s}type" % OPS, epub_type)
    body_el.extend(body)
    return root


def serialise(root: etree._Element) -> bytes:
    return (b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            + etree.tostring(root, encoding="utf-8") + b"\n")


def properties(root: etree._Element) -> list[str]:
    """The manifest properties a content document needs (``mathml``, ``svg``)."""
    found = []
    if next(root.iter("{%s}math" % MATHML), None) is not None:
        found.append("mathml")
    if next(root.iter("{%s}svg" % SVG), None) is not None:
        found.append("svg")
    return found
