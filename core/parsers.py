"""Request parsers that refuse pathological input with a 400 instead of a server error.

``SafeJSONParser`` is the API's default parser (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``): every JSON
body of every endpoint goes through it, before any serializer or error message can echo its text.
"""

import json
from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

from .validators import unencodable_reason


def field_label(path: tuple[str | int, ...]) -> str:
    """The dotted name of the field at ``path`` (``("profiles", 0)`` -> ``"profiles.0"``; the empty path ->
    ``"non_field_errors"``). Each key is written with JSON escapes for anything outside printable ASCII
    (``"\\ud800"``), so that the name itself can always be rendered."""
    if not path:
        return "non_field_errors"
    return ".".join(json.dumps(str(part), ensure_ascii=True)[1:-1] for part in path)


def find_unencodable(data: Any, path: tuple[str | int, ...] = ()) -> tuple[str, str] | None:
    """The first ``(field, reason)`` of a string in ``data`` (a parsed JSON value: dicts, lists, strings,
    numbers) that cannot be stored or rendered: a lone UTF-16 surrogate or a NUL character, in a value or
    in a key (core.validators.unencodable_reason); None when there is none. Walks iteratively, so that a
    deep nesting cannot exhaust the stack."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            reason = unencodable_reason(value)
            if reason:
                return field_label(where), reason
        elif isinstance(value, dict):
            for key, item in value.items():
                reason = unencodable_reason(key)
                if reason:
                    return field_label((*where, key)), _("The field name: %(reason)s") % {"reason": reason}
                stack.append((item, (*where, key)))
        elif isinstance(value, list):
            stack.extend((item, (*where, index)) for index, item in enumerate(value))
    return None


def parse_error_message(cause: BaseException | None) -> str:
    """The message of a body that is not JSON, in the request's language: where the fault is (line, column)
    when the decoder says, else what it is (a number constant NaN or Infinity, or an encoding)."""
    if isinstance(cause, json.JSONDecodeError):
        if cause.msg.startswith("Unexpected UTF-8 BOM"):
            return _("JSON parse error - the body starts with a byte order mark (BOM): send UTF-8 without it.")
        return _("JSON parse error - the body is not valid JSON (line %(line)s, column %(column)s).") % {
            "line": cause.lineno,
            "column": cause.colno,
        }
    if isinstance(cause, UnicodeDecodeError):
        return _("JSON parse error - the body is not UTF-8 text.")
    return _("JSON parse error - NaN, Infinity and -Infinity are not JSON numbers.")


class SafeJSONParser(JSONParser):
    """JSONParser that answers 400 (ParseError) instead of a server error for:

    - a body that is not JSON: ``{"detail": "JSON parse error - the body is not valid JSON (line 1, column 2)."}``
      in the request's language, with the place of the fault (DRF's message repeats Python's, in English);
      a number constant (``NaN``, ``Infinity``) is refused the same way;
    - a nesting too deep for Python's parser: ``{"detail": "JSON parse error - nested too deeply."}``;
    - text that cannot be stored or rendered (a lone surrogate such as ``"\\ud800"``, a NUL character), in
      a value or in a key, at any depth: ``{"<field>": ["<reason>"]}``, the field dotted (``profiles.0``).
    """

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("JSON parse error - nested too deeply.")) from None
        except exceptions.ParseError as error:
            raise exceptions.ParseError(parse_error_message(error.__context__)) from None
        found = find_unencodable(data)
        if found:
            field, reason = found
            raise exceptions.ParseError({field: [reason]})
        return data
