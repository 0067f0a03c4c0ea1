"""A tiny, safe Markdown → HTML converter for the model card (headings, paragraphs, lists, tables, code).

Safe by construction: every piece of text is HTML-escaped before the few inline marks (`code`, **bold**,
*italic*, [links](https://…)) are turned into tags, and raw HTML in the source stays visible as text.
Headings are shifted one level down because the card sits inside a page that already has its <h1>.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_ORDERED = re.compile(r"^\s*\d+[.)]\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])|(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^\s)]+)\)")
_MARKS = re.compile(r"[*_`]")


def _inline(text: str) -> str:
    """Escape, then format; code spans are protected from the other marks."""
    spans: list[str] = []

    def keep_code(match: re.Match[str]) -> str:
        spans.append(f"<code>{match.group(1)}</code>")
        return f"\x00{len(spans) - 1}\x00"

    out = _CODE.sub(keep_code, html.escape(text, quote=True))
    out = _LINK.sub(lambda m: f'<a href="{m.group(2)}" rel="noopener noreferrer">{m.group(1)}</a>', out)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    out = _ITALIC.sub(lambda m: f"<em>{m.group(1) or m.group(2)}</em>", out)
    return re.sub(r"\x00(\d+)\x00", lambda m: spans[int(m.group(1))], out)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _table_name(header: list[str], section: str, used: dict[str, int]) -> str:
    """The table's region name: its section heading and its columns, numbered when that still repeats (two
    regions with one name are indistinguishable for screen-reader users)."""
    columns = ", ".join(c for c in header if c)
    name = f"{section} — {columns}" if section else columns
    used[name] = used.get(name, 0) + 1
    return name if used[name] == 1 else f"{name} ({used[name]})"


def _plain(text: str) -> str:
    return _MARKS.sub("", text).strip()


def _table(lines: list[str], section: str = "", used: dict[str, int] | None = None) -> str:
    header, body = _cells(lines[0]), [_cells(line) for line in lines[2:]]
    # An empty corner cell stays a <td>: an empty <th> names nothing for screen readers.
    head = "".join(f'<th scope="col">{_inline(c)}</th>' if c else "<td></td>" for c in header)
    rows = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in body)
    # A focusable, named region: keyboard users can scroll a table wider than the page (WCAG 2.1.1).
    name = html.escape(_table_name([_plain(c) for c in header], section, {} if used is None else used), quote=True)
    return (f'<div class="table-scroll" tabindex="0" role="region" aria-label="{name}"><table><thead><tr>{head}'
            f"</tr></thead><tbody>{rows}</tbody></table></div>")


def to_html(markdown: str, *, shift: int = 1) -> Markup:
    """The Markdown text as safe HTML (a Markup string, ready for Jinja)."""
    lines = markdown.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    paragraph: list[str] = []
    section = ""  # the latest heading, which names the tables below it
    table_names: dict[str, int] = {}

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("```"):
            flush()
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip().startswith("```")), len(lines))
            out.append(f"<pre><code>{html.escape(chr(10).join(lines[i + 1:end]))}</code></pre>")
            i = end + 1
            continue
        heading = _HEADING.match(stripped)
        if heading:
            flush()
            level = min(6, len(heading.group(1)) + shift)
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
            section = _plain(heading.group(2))
        elif stripped.startswith("|") and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1]):
            flush()
            end = i + 2
            while end < len(lines) and lines[end].strip().startswith("|"):
                end += 1
            out.append(_table(lines[i:end], section, table_names))
            i = end
            continue
        elif _LIST_ITEM.match(line):
            flush()
            tag = "ol" if _ORDERED.match(line) else "ul"
            items = []
            while i < len(lines) and _LIST_ITEM.match(lines[i]):
                items.append(f"<li>{_inline(_LIST_ITEM.match(lines[i]).group(1))}</li>")  # type: ignore[union-attr]
                i += 1
            out.append(f"<{tag}>{''.join(items)}</{tag}>")
            continue
        elif not stripped:
            flush()
        else:
            paragraph.append(stripped)
        i += 1
    flush()
    return Markup("\n".join(out))
