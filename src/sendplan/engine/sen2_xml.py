"""SEN2 returns to XML and back.

The writer gives the same bytes for the same return: elements in the specification's order,
two-space indents, UTF-8, no timestamps of its own. The reader takes any letter case of
DfE's element names (suppliers differ, sen2.md §1.7), reports the structure's problems
(rules S01 to S06) as it builds the dataclasses, and refuses only what is not XML at all.
"""

from __future__ import annotations

import gc
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sendplan.engine.sen2_model import (
    Element,
    Header,
    Person,
    Sen2Return,
    schema,
)
from sendplan.engine.sen2_rules import Sen2Problem

# Characters XML 1.0 cannot hold at all; the writer drops them rather than write a file
# nobody can read.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape(text: str) -> str:
    text = _NOT_XML.sub("", text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _write(out: list[str], pad: str, name: str, node: Any) -> None:
    out.append(f"{pad}<{name}>")
    inner = pad + "  "
    for element in schema(type(node)):
        value = getattr(node, element.attribute)
        if element.child is None:
            if value is not None:
                out.append(f"{inner}<{element.name}>{_escape(value)}</{element.name}>")
        elif element.high > 1:
            for item in value:
                _write(out, inner, element.name, item)
        elif value is not None:
            _write(out, inner, element.name, value)
    out.append(f"{pad}</{name}>")


def person_xml(person: Person) -> str:
    """One ``Person`` element as text, indented as in a whole return (for comparisons)."""
    out: list[str] = []
    _write(out, "    ", "Person", person)
    return "\n".join(out)


def write_return(document: Sen2Return) -> bytes:
    """The return as UTF-8 XML bytes, the same for the same return.

    >>> from sendplan.engine.sen2_model import SENneed
    >>> print(person_xml(Person(surname="Example", requests=[])).strip())
    <Person>
          <Surname>Example</Surname>
        </Person>
    """
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<Message>"]
    _write(out, "  ", "Header", document.header)
    out.append("  <Persons>")
    for person in document.persons:
        _write(out, "    ", "Person", person)
    out.append("  </Persons>")
    out.append("</Message>")
    out.append("")
    return "\n".join(out).encode("utf-8")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects that hold no cycles.

    A return of 20,000 persons is over a million objects; each full collection the
    allocations trigger walks all of them, which costs more than building them (about four
    times, measured on 5,000 persons). Reference counting still frees everything.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# ---- Reading ------------------------------------------------------------------------------


class Sen2ReadError(Exception):
    """A file that is not an XML document at all: one problem, with its line and column."""

    def __init__(self, line: int, column: str, message: str) -> None:
        self.line, self.column, self.message = line, column, message
        super().__init__(f"{line}: {column}: {message}")


@dataclass
class _Where:
    problems: list[tuple[str, str, str]]  # (path, rule, message)


def _local(tag: object) -> str:
    # Comments and processing instructions have a function as their tag.
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _index(elements: tuple[Element, ...]) -> dict[str, tuple[int, Element]]:
    """Each element by its name as DfE spells it and in lower case (the fallback)."""
    index = {element.name.lower(): (i, element) for i, element in enumerate(elements)}
    index.update({element.name: (i, element) for i, element in enumerate(elements)})
    return index


_INDEXES: dict[type, dict[str, tuple[int, Element]]] = {}


def _read(node: ET.Element, cls: type, path: str, where: _Where) -> Any:
    result = cls()
    elements = schema(cls)
    index = _INDEXES.get(cls)
    if index is None:
        index = _INDEXES[cls] = _index(elements)
    counts = [0] * len(elements)
    furthest = -1
    prefix = f"{path}/" if path else ""
    for child in node:
        tag = child.tag
        if type(tag) is not str or "}" in tag:
            tag = _local(tag)
            if not tag:
                continue
        hit = index.get(tag) or index.get(tag.lower())
        if hit is None:
            where.problems.append(
                (f"{prefix}{tag}", "S01", f"{tag} is not an element of {_local(node.tag)}")
            )
            continue
        position, element = hit
        name = element.name
        if tag != name:
            where.problems.append((f"{prefix}{tag}", "S06", f"DfE spells it {name}"))
        if position < furthest:
            after = elements[furthest].name
            message = f"{name} comes before {after} in the specification's order"
            where.problems.append((f"{prefix}{name}", "S02", message))
        furthest = max(furthest, position)
        counts[position] += 1
        if counts[position] > element.high:
            message = f"{name} may appear at most {element.high} time(s) here"
            where.problems.append((f"{prefix}{name}", "S04", message))
            continue
        child_path = f"{prefix}{name}[{counts[position]}]" if element.high > 1 else prefix + name
        text = (child.text or "").strip()
        if element.child is None:
            if len(child):
                message = f"{name} holds elements, where a value belongs"
                where.problems.append((child_path, "S05", message))
            if text:
                setattr(result, element.attribute, text)
            elif element.low:
                where.problems.append((child_path, "S03", f"{name} is empty"))
            continue
        if text:
            message = f"{name} holds text, where elements belong"
            where.problems.append((child_path, "S05", message))
        value = _read(child, element.child, child_path, where)
        if element.high > 1:
            getattr(result, element.attribute).append(value)
        else:
            setattr(result, element.attribute, value)
    for position, element in enumerate(elements):
        if counts[position] < element.low:
            missing = f"{prefix}{element.name}"
            if element.low == 1:
                message = f"{element.name} is missing"
            else:
                message = f"{element.name} must appear at least {element.low} times"
            where.problems.append((missing, "S03", message))
    return result


def _parse(data: bytes) -> ET.Element:
    if not data.strip():
        raise Sen2ReadError(1, "file", "the file is empty")
    if data.startswith(b"PK\x03\x04"):
        raise Sen2ReadError(1, "file", "is a zip archive, not an XML file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise Sen2ReadError(1, "file", "is UTF-16 or binary, not UTF-8 XML")
    doctype = data.find(b"<!DOCTYPE")
    if doctype >= 0:
        # Entities are how XML files attack their readers; a return has no use for them.
        line = data.count(b"\n", 0, doctype) + 1
        raise Sen2ReadError(
            line, "file", "has a DOCTYPE declaration, which a SEN2 return never has"
        )
    try:
        return ET.fromstring(data)
    except ET.ParseError as error:
        line, column = error.position
        reason = str(error).split(":", 1)[0]
        raise Sen2ReadError(
            line, "XML", f"not well-formed XML ({reason}) at column {column + 1}"
        ) from None


def read_return(data: bytes) -> tuple[Sen2Return, list[Sen2Problem]]:
    """The return in ``data`` and the problems of its structure.

    Raises
    ------
    Sen2ReadError
        When ``data`` is not an XML document whose root is ``Message``.

    Examples
    --------
    >>> document, problems = read_return(b"<Message><Header/><Persons/></Message>")
    >>> [(p.path, p.rule) for p in problems][:2]
    [('Header/CollectionDetails', 'S03'), ('Header/Source', 'S03')]
    """
    with gc_paused():
        return _read_document(_parse(data))


def _read_document(root: ET.Element) -> tuple[Sen2Return, list[Sen2Problem]]:
    if _local(root.tag).lower() != "message":
        raise Sen2ReadError(1, "Message", f"the root element is {_local(root.tag)}, not Message")
    document = Sen2Return()
    problems: list[Sen2Problem] = []
    top = _Where([])
    header_seen = persons_seen = False
    for child in root:
        tag = _local(child.tag)
        if tag.lower() == "header" and not header_seen:
            header_seen = True
            document.header = _read(child, Header, "Header", top)
        elif tag.lower() == "persons" and not persons_seen:
            persons_seen = True
            for element in child:
                name = _local(element.tag)
                if name.lower() != "person":
                    if name:
                        message = f"{name} is not an element of Persons"
                        problems.append(Sen2Problem(None, "Persons", name, "S01", message))
                    continue
                where = _Where([])
                person = _read(element, Person, "", where)
                document.persons.append(person)
                number, who = len(document.persons), person.label()
                problems.extend(Sen2Problem(number, who, *p) for p in where.problems)
        elif tag:
            top.problems.append((tag, "S01", f"{tag} is not an element of Message"))
    if not header_seen:
        top.problems.append(("Header", "S03", "Header is missing"))
    if not persons_seen:
        top.problems.append(("Persons", "S03", "Persons is missing"))
    elif not document.persons:
        top.problems.append(("Persons", "S03", "Persons holds no Person"))
    head = [
        Sen2Problem(None, _who(path), path, rule, message) for path, rule, message in top.problems
    ]
    return document, head + problems


def _who(path: str) -> str:
    return "Header" if path.startswith("Header") else "Message"
