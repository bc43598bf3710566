"""A press release, plain text or HTML, as its sentences in reading order.

Plain text: paragraphs are separated by blank lines, wrapped lines are joined, and a short first line without
closing punctuation followed by a capitalized line is a heading (as press releases copied from a web page come).
HTML: block elements (p, h1-h6, li, div, br, ...) end a paragraph; h1-h6 are headings; script and style are
skipped. Each sentence knows its paragraph and the heading above it, which the matcher reads for context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from pipeline.errors import InputError


@dataclass(frozen=True)
class Block:
    text: str
    heading: bool


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int   # sentences of one paragraph share it; a heading is a paragraph of its own
    heading: str     # the heading above the paragraph ("" when none)
    is_heading: bool = False


_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][”\"’')]))\s+(?=[“\"‘'(]?[A-ZÀ-Ý0-9])")
_HEADING_END = re.compile(r"[.!?:;,”\"']$")
_HEADING_WORDS = 12


def read_text(path: Path) -> str:
    """The file's text; a PDF, a binary file or a missing one is an InputError naming it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file.", "Pass the path of the press release (plain text or HTML).") from None
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a text file.", "Pass the press release's file.") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc}).", "Check the path and permissions.") from None
    if data.startswith(b"%PDF"):
        raise InputError(path, "is a PDF; claims reads the press release as plain text or HTML.",
                         "Save the press release as .txt or .html (the release PDF goes to `jaarcijfers extract`).")
    if b"\x00" in data:
        raise InputError(path, "is not a text file (it holds binary data).",
                         "Pass the press release as plain text or HTML.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Windows-saved Dutch text


def looks_like_html(path: Path, text: str) -> bool:
    return path.suffix.lower() in (".html", ".htm") or bool(re.match(r"\s*<(!doctype html|html)\b", text, re.I))


def text_blocks(text: str) -> list[Block]:
    """Plain text as paragraphs and headings."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [ln.strip() for ln in chunk.split("\n") if ln.strip()]
        while len(lines) > 1 and _is_heading(lines[0], lines[1]):
            blocks.append(Block(lines.pop(0), True))
        if lines:
            blocks.append(Block(" ".join(lines), len(lines) == 1 and _is_heading(lines[0], "")))
    return blocks


def _is_heading(line: str, next_line: str) -> bool:
    short = len(line.split()) <= _HEADING_WORDS and not _HEADING_END.search(line)
    return short and (not next_line or next_line[:1].isupper() or next_line[:1] in "“\"")


class _HtmlBlocks(HTMLParser):
    BLOCK = {"p", "div", "li", "ul", "ol", "br", "tr", "td", "th", "section", "article", "header", "footer",
             "blockquote", "figcaption", "table", "main", "aside", "nav", "dd", "dt", "hr"}
    HEADING = {"h1", "h2", "h3", "h4", "h5", "h6"}
    SKIP = {"script", "style", "head", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.skipping = 0
        self.in_heading = False

    def flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.parts)).strip()
        if text:
            self.blocks.append(Block(text, self.in_heading))
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK or tag in self.HEADING:
            self.flush()
            self.in_heading = tag in self.HEADING

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK or tag in self.HEADING:
            self.flush()
            self.in_heading = False

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_blocks(text: str) -> list[Block]:
    parser = _HtmlBlocks()
    parser.feed(text)
    parser.close()
    parser.flush()
    return parser.blocks


def split_sentences(blocks: list[Block]) -> list[Sentence]:
    sentences: list[Sentence] = []
    heading = ""
    for number, block in enumerate(blocks):
        if block.heading:
            heading = block.text
            sentences.append(Sentence(block.text, number, "", True))
            continue
        for part in _SENTENCE_END.split(block.text):
            if part.strip():
                sentences.append(Sentence(part.strip(), number, heading))
    return sentences


def read_sentences(path: Path) -> list[Sentence]:
    text = read_text(path)
    blocks = html_blocks(text) if looks_like_html(path, text) else text_blocks(text)
    return split_sentences(blocks)
