"""The canonical layout of a plan: `goalline fmt`.

The formatter re-lays the tokens of a plan that parses; it never re-words it, so the plan
read back equals the plan before. Rules: two-space indent; attribute values aligned two
columns after the longest keyword of their block; escalation rules and runbook steps aligned
in columns; a block with one attribute on one line, and runs of such one-line declarations
of one kind aligned with each other; blank lines kept (at most one in a row), and one around
every multi-line declaration; every comment kept, on its own line or at the end of the line
it followed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lark import Token, Tree

from .expressions import written_name
from .grammar import paused_gc, tree_parser
from .source import pad, width

INDENT = "  "
MAX_ONE_LINE = 100
# A `#` inside a text or a quoted name is not a comment, so those are matched first.
_COMMENT_OR_STRING = re.compile(r'"(?:\\.|[^"\\\n])*"|`[^`\n]+`|#[^\n]*')


@dataclass(eq=False)
class Attribute:
    tree: Tree[Token]
    first: int
    before: list[str] = field(default_factory=list)  # comment lines above it; "" is a blank line
    after: str = ""  # the comment at the end of its line
    blank_before: bool = False


@dataclass(eq=False)
class Declaration:
    tree: Tree[Token]
    first: int
    header: list[Token]
    attributes: list[Attribute] | None  # None: the declaration has no block
    close_line: int = 0
    before: list[str] = field(default_factory=list)
    after: str = ""  # the comment after its closing brace (or its header, without a block)
    open_comment: str = ""  # the comment after its opening brace
    closing: list[str] = field(default_factory=list)  # comment lines above its closing brace
    blank_before: bool = False


def format_text(text: str) -> str:
    """The canonical form of `text`. Raises Lark's errors for text that does not parse: check
    the plan first."""
    with paused_gc():
        return _format(tree_parser().parse(text), text)


def _format(tree: Tree[Token], text: str) -> str:
    declarations = [_declaration(child) for child in tree.children if isinstance(child, Tree)]
    lines = text.split("\n")
    end_comments = _place_comments(declarations, text, lines)
    out: list[str] = []
    previous: list[Declaration] | None = None
    for group in _groups(declarations):
        if previous is not None and (
            group[0].blank_before or _multi_line(group[0]) or _multi_line(previous[-1])
        ):
            out.append("")
        out.extend(_render_group(group))
        previous = group
    if end_comments:
        out.extend(end_comments)
    while out and out[0] == "":
        out.pop(0)
    return "\n".join(out).rstrip("\n") + "\n" if out else ""


# ---------------------------------------------------------------- structure


def _tokens(node: Tree[Token] | Token | None) -> list[Token]:
    """Every token under `node`, in order, without recursion (expressions may nest deeply)."""
    found: list[Token] = []
    stack: list[Tree[Token] | Token | None] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Token):
            found.append(item)
        elif isinstance(item, Tree):
            stack.extend(reversed(item.children))
    return found


def _declaration(tree: Tree[Token]) -> Declaration:
    children = [c for c in tree.children if c is not None]
    header: list[Token] = []
    block: list[Tree[Token] | Token] | None = None
    for index, child in enumerate(children):
        if isinstance(child, Tree) and child.data.endswith("_body"):
            block = [c for c in child.children if c is not None]
            break
        if isinstance(child, Token) and child == "{":
            block = children[index:]
            break
        header.extend(_tokens(child))
    declaration = Declaration(tree, header[0].line or 0, header, None)
    if block is not None:
        declaration.attributes = [
            Attribute(c, _tokens(c)[0].line or 0) for c in block if isinstance(c, Tree)
        ]
        declaration.close_line = block[-1].line or 0 if isinstance(block[-1], Token) else 0
    return declaration


# ---------------------------------------------------------------- comments and blank lines


def _place_comments(declarations: list[Declaration], text: str, lines: list[str]) -> list[str]:
    """Attach every comment to what it stands above or follows; return those at the end."""

    def blank_above(line: int) -> bool:
        return line >= 2 and not lines[line - 2].strip()

    owner_of_line = _line_owners(declarations)
    slots = _slots(declarations)
    slot_index = 0
    end: list[str] = []
    tops: dict[int, int] = {}  # id of an element -> line of its first comment
    for line, comment, trailing in _comments(text):
        if trailing and line in owner_of_line:
            role, owner = owner_of_line[line]
            if role == "open" and isinstance(owner, Declaration) and not owner.open_comment:
                owner.open_comment = comment
                continue
            if role in ("attribute", "close") and not owner.after:
                owner.after = comment
                continue
        while slot_index < len(slots) and slots[slot_index][0] <= line:
            slot_index += 1
        if slot_index == len(slots):
            target = end
        else:
            target = _before_list(slots[slot_index])
            tops.setdefault(id(target), line)
        if target and blank_above(line):
            target.append("")
        target.append(comment)
    previous_line = 0
    for first, role, owner in slots:
        on_the_same_line = first == previous_line
        previous_line = first
        comments = _before_list((first, role, owner))
        if comments and blank_above(first):
            comments.append("")
        if role != "close" and not on_the_same_line:
            owner.blank_before = blank_above(tops.get(id(comments), first))
    return end


def _before_list(slot: tuple[int, str, Declaration | Attribute]) -> list[str]:
    _, role, owner = slot
    return owner.closing if role == "close" else owner.before  # type: ignore[union-attr]


def _slots(declarations: list[Declaration]) -> list[tuple[int, str, Declaration | Attribute]]:
    """Where standalone comments can go, in line order: above a declaration, above an
    attribute, or above a closing brace."""
    slots: list[tuple[int, str, Declaration | Attribute]] = []
    for declaration in declarations:
        slots.append((declaration.first, "declaration", declaration))
        for attribute in declaration.attributes or ():
            slots.append((attribute.first, "attribute", attribute))
        if declaration.attributes is not None:
            slots.append((declaration.close_line, "close", declaration))
    return slots


def _line_owners(declarations: list[Declaration]) -> dict[int, tuple[str, Declaration | Attribute]]:
    """For each line, what its last token belongs to: a trailing comment goes there."""
    owners: dict[int, tuple[str, Declaration | Attribute]] = {}
    for declaration in declarations:
        for token in declaration.header:
            owners[token.line or 0] = ("close", declaration)
        if declaration.attributes is None:
            continue
        open_line = declaration.header[-1].line or 0
        owners[open_line] = ("open", declaration)
        for attribute in declaration.attributes:
            for token in _tokens(attribute.tree):
                owners[token.end_line or token.line or 0] = ("attribute", attribute)
        owners[declaration.close_line] = ("close", declaration)
    return owners


def _comments(text: str) -> list[tuple[int, str, bool]]:
    """(line, text, whether code precedes it on its line) for every comment, in order."""
    found = []
    line, counted_to = 1, 0
    for match in _COMMENT_OR_STRING.finditer(text):
        if match.group(0).startswith("#"):
            start = match.start()
            line += text.count("\n", counted_to, start)  # counted on from the last comment
            counted_to = start
            line_start = text.rfind("\n", 0, start) + 1
            trailing = bool(text[line_start:start].strip())
            found.append((line, match.group(0).rstrip(), trailing))
    return found


# ---------------------------------------------------------------- rendering


def _groups(declarations: list[Declaration]) -> list[list[Declaration]]:
    """Runs of adjacent one-line declarations of one kind (aligned together), else singles."""
    groups: list[list[Declaration]] = []
    for declaration in declarations:
        previous = groups[-1][-1] if groups else None
        if (
            previous is not None
            and previous.tree.data == declaration.tree.data
            and not declaration.blank_before
            and not declaration.before
            and not _multi_line(previous)
            and not _multi_line(declaration)
        ):
            groups[-1].append(declaration)
        else:
            groups.append([declaration])
    return groups


def _multi_line(declaration: Declaration) -> bool:
    attributes = declaration.attributes
    if attributes is None:
        return False
    if declaration.tree.data == "plan" or len(attributes) > 1:
        return True
    if declaration.open_comment or declaration.closing:
        return True
    if any(a.before or a.after for a in attributes):
        return True
    return width(_one_line(declaration, 0, 0)) > MAX_ONE_LINE


def _render_group(group: list[Declaration]) -> list[str]:
    if len(group) == 1 and _multi_line(group[0]):
        return _render_block(group[0])
    name_width = max((width(d.header[1]) for d in group if _has_name(d)), default=0)
    title_width = max((width(t) for d in group if (t := _title(d))), default=0)
    lines: list[str] = []
    for declaration in group:
        lines.extend(declaration.before)
        line = _one_line(declaration, name_width, title_width)
        lines.append(f"{line}  {declaration.after}" if declaration.after else line)
    return lines


def _has_name(declaration: Declaration) -> bool:
    return len(declaration.header) > 1 and declaration.header[1].type == "NAME"


def _title(declaration: Declaration) -> str:
    return next((str(t) for t in declaration.header[1:] if t.type == "STRING"), "")


def _one_line(declaration: Declaration, name_width: int, title_width: int) -> str:
    if declaration.tree.data == "include":
        return _join(declaration.header)
    parts = [str(declaration.header[0])]
    if _has_name(declaration):
        parts.append(pad(str(declaration.header[1]), name_width))
    if _title(declaration) or title_width:
        parts.append(pad(_title(declaration), title_width))
    attributes = declaration.attributes
    if attributes is None:
        return " ".join(parts).rstrip()
    if not attributes:
        return " ".join(parts).rstrip() + " {}"
    return " ".join(parts) + " { " + _attribute_text(attributes[0].tree, 0, None) + " }"


def _render_block(declaration: Declaration) -> list[str]:
    attributes = declaration.attributes or []
    lines = list(declaration.before)
    opening = _join(declaration.header) + " {"
    lines.append(f"{opening}  {declaration.open_comment}" if declaration.open_comment else opening)
    plain = [a for a in attributes if a.tree.data not in ("rule", "step")]
    keyword_width = max((len(_tokens(a.tree)[0]) for a in plain), default=0) + 2
    columns = _columns(attributes)
    for index, attribute in enumerate(attributes):
        if index and attribute.blank_before and not attribute.before:
            lines.append("")
        lines.extend(INDENT + c if c else "" for c in attribute.before)
        text = INDENT + _attribute_text(attribute.tree, keyword_width, columns)
        if attribute.tree.data == "measure" and width(text) > MAX_ONE_LINE:
            text = _wrapped_measure(attribute.tree, keyword_width)
        lines.append(f"{text}  {attribute.after}" if attribute.after else text)
    lines.extend(INDENT + c if c else "" for c in declaration.closing)
    lines.append(f"}}  {declaration.after}" if declaration.after else "}")
    return [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]


def _columns(attributes: list[Attribute]) -> dict[str, tuple[int, int]]:
    """Column widths of escalation rules (the trigger) and runbook steps (text, who)."""
    rules = [a.tree for a in attributes if a.tree.data == "rule"]
    steps = [a.tree for a in attributes if a.tree.data == "step"]
    return {
        "rule": (max((width(_join(_tokens(r.children[1]))) for r in rules), default=0), 0),
        "step": (
            max((width(str(s.children[1])) for s in steps), default=0),
            max((width(str(s.children[3])) for s in steps), default=0),
        ),
    }


def _attribute_text(
    tree: Tree[Token], keyword_width: int, columns: dict[str, tuple[int, int]] | None
) -> str:
    if tree.data == "rule":
        trigger = _join(_tokens(tree.children[1]))
        actions = _join([t for child in tree.children[2:] for t in _tokens(child)])
        trigger_width = columns["rule"][0] if columns else 0
        if not trigger_width:
            return f"when {trigger} {actions}"
        return f"when {pad(trigger, trigger_width)}  {actions}"
    if tree.data == "step":
        text, who, within = str(tree.children[1]), str(tree.children[3]), str(tree.children[5])
        if not columns:
            return f"step {text} by {who} within {within}"
        text_width, who_width = columns["step"]
        return f"step {pad(text, text_width)}  by {pad(who, who_width)}  within {within}"
    tokens = _tokens(tree)
    keyword, rest = str(tokens[0]), _join(tokens[1:])
    return f"{pad(keyword, keyword_width)}{rest}" if keyword_width else f"{keyword} {rest}"


def _wrapped_measure(tree: Tree[Token], keyword_width: int) -> str:
    """A long measure over several lines, broken before operators outside parentheses, each
    continuation aligned under the start of the expression."""
    tokens = _tokens(tree)
    pieces: list[list[Token]] = [[]]
    depth = 0
    for token in tokens[1:]:
        depth += (token == "(") - (token == ")")
        if depth == 0 and token.type in ("ADD_OP", "MUL_OP") and pieces[-1]:
            pieces.append([])
        pieces[-1].append(token)
    lines = [INDENT + pad(str(tokens[0]), keyword_width) + _join(pieces[0])]
    continuation = INDENT + " " * keyword_width
    for piece in pieces[1:]:
        text = _join(piece)
        too_long = width(lines[-1]) + 1 + width(text) > MAX_ONE_LINE
        if too_long and width(lines[-1]) - len(continuation) > 20:  # no `100` left alone
            lines.append(continuation + text)
        else:
            lines[-1] += " " + text
    return "\n".join(lines)


_NO_SPACE_BEFORE = {")", ",", "."}
_NO_SPACE_AFTER = {"(", "."}


def _join(tokens: list[Token]) -> str:
    """Tokens with canonical spacing: `100 * count(surveys where score >= 4) / count(surveys)`."""
    out: list[str] = []
    previous: Token | None = None
    for token in tokens:
        text = written_name(token[1:-1]) if token.type == "QUOTED" else str(token)
        if previous is not None and not (
            text in _NO_SPACE_BEFORE
            or str(previous) in _NO_SPACE_AFTER
            or (text == "(" and previous.type == "NAME")
            or "MINUS" in (token.type, previous.type)  # a range of weekdays: mon-fri
        ):
            out.append(" ")
        out.append(text)
        previous = token
    return "".join(out)
