"""XLSForm's relevance and constraint expressions: a small parser and evaluator of our own.

The common operators only: `${name}` (another question's answer), `.` (this question's answer),
`= != < <= > >=`, `and`, `or`, `not(...)`, `selected(${x}, 'v')`, `count-selected(${x})`,
string literals in single or double quotes, numbers and parentheses. Nothing is ever handed to
Python's `eval`: the text is read into a tree of tuples, and the tree is walked.

Values: an unanswered question is "" (as ODK has it), a number a Decimal, a select_multiple's
answer its choices separated by spaces. Comparing a number with text that reads as a number
compares the numbers; otherwise both are compared as text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["ExpressionError", "evaluate", "names_in", "parse"]


class ExpressionError(ValueError):
    """The expression cannot be read, in words a form's author understands."""


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<ref>\$\{[A-Za-z_][\w.-]*\})
    | (?P<number>\d+(?:\.\d+)?|\.\d+)
    | (?P<string>'[^']*'|"[^"]*")
    | (?P<op><=|>=|!=|=|<|>|\(|\)|,)
    | (?P<word>[A-Za-z_][\w-]*)
    | (?P<dot>\.)
    )""",
    re.VERBOSE,
)

FUNCTIONS = {"not": 1, "selected": 2, "count-selected": 1}
COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")

Node = tuple[Any, ...]


def _tokens(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ExpressionError(f"cannot read {text[position:].strip()[:20]!r}")
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ExpressionError("the expression ends too soon")
        if value is not None and token[1] != value:
            raise ExpressionError(f"expected {value!r} but found {token[1]!r}")
        self.at += 1
        return token

    def whole(self) -> Node:
        node = self.disjunction()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return node

    def disjunction(self) -> Node:
        node = self.conjunction()
        while self.peek() == ("word", "or"):
            self.take()
            node = ("or", node, self.conjunction())
        return node

    def conjunction(self) -> Node:
        node = self.comparison()
        while self.peek() == ("word", "and"):
            self.take()
            node = ("and", node, self.comparison())
        return node

    def comparison(self) -> Node:
        node = self.operand()
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] in COMPARISONS:
            self.take()
            node = ("compare", token[1], node, self.operand())
        return node

    def operand(self) -> Node:
        kind, value = self.take()
        if kind == "ref":
            return ("ref", value[2:-1])
        if kind == "dot":
            return ("self",)
        if kind == "number":
            return ("literal", Decimal(value))
        if kind == "string":
            return ("literal", value[1:-1])
        if kind == "op" and value == "(":
            node = self.disjunction()
            self.take(")")
            return node
        if kind == "word" and value in FUNCTIONS:
            self.take("(")
            arguments = [self.disjunction()]
            while self.peek() == ("op", ","):
                self.take()
                arguments.append(self.disjunction())
            self.take(")")
            if len(arguments) != FUNCTIONS[value]:
                raise ExpressionError(f"{value}() takes {FUNCTIONS[value]} argument(s)")
            return ("call", value, *arguments)
        if kind == "word":
            raise ExpressionError(f"{value!r} is not a function or operator this platform reads")
        raise ExpressionError(f"unexpected {value!r}")


def parse(text: str) -> Node:
    """The expression's tree; ExpressionError when it cannot be read."""
    if not text.strip():
        raise ExpressionError("the expression is empty")
    return _Parser(text).whole()


def names_in(node: Node) -> set[str]:
    """The questions an expression refers to by ${name}."""
    if node[0] == "ref":
        return {node[1]}
    found: set[str] = set()
    for part in node[1:]:
        if isinstance(part, tuple):
            found |= names_in(part)
    return found


def _number(value: Any) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, str) and value.strip():
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return value != 0
    return bool(value)


def _compare(operator: str, left: Any, right: Any) -> bool:
    a, b = _number(left), _number(right)
    pair: tuple[Any, Any] = (a, b) if a is not None and b is not None else (str(left), str(right))
    if operator in ("<", "<=", ">", ">=") and (left == "" or right == ""):
        return False  # an unanswered question is neither more nor less than anything
    x, y = pair
    return {
        "=": x == y,
        "!=": x != y,
        "<": x < y,
        "<=": x <= y,
        ">": x > y,
        ">=": x >= y,
    }[operator]


def _value(node: Node, answers: Mapping[str, Any], current: Any) -> Any:
    kind = node[0]
    if kind == "literal":
        return node[1]
    if kind == "ref":
        found = answers.get(node[1])
        return "" if found is None else found
    if kind == "self":
        return "" if current is None else current
    if kind == "and":
        return _truthy(_value(node[1], answers, current)) and _truthy(
            _value(node[2], answers, current)
        )
    if kind == "or":
        return _truthy(_value(node[1], answers, current)) or _truthy(
            _value(node[2], answers, current)
        )
    if kind == "compare":
        return _compare(
            node[1], _value(node[2], answers, current), _value(node[3], answers, current)
        )
    if kind == "call":
        name = node[1]
        if name == "not":
            return not _truthy(_value(node[2], answers, current))
        chosen = str(_value(node[2], answers, current)).split()
        if name == "selected":
            return str(_value(node[3], answers, current)) in chosen
        return Decimal(len(chosen))
    raise ExpressionError(f"unknown node {kind!r}")


def evaluate(expression: str | Node, answers: Mapping[str, Any], current: Any = None) -> bool:
    """Whether the expression holds, given the answers so far (by question name) and this
    question's own answer (`.`)."""
    node = parse(expression) if isinstance(expression, str) else expression
    return _truthy(_value(node, answers, current))
