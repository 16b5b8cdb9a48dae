"""openapi-core's path and server finder, with templates matched by RE2.

openapi-core turns a template such as `/{a}{b}{c}{d}{e}x` into `/([^/]*)([^/]*)…x$` and searches
the request path with Python's `re`: a 200-character path without the `x` took 113 s (the
tries grow as the length to the power of the parameter count). The same expressions run here
on `verifier._regex` (RE2), in time linear in the path. Imported with openapi-core only.
"""

from __future__ import annotations

import functools
from typing import Any

from openapi_core.templating.paths.finders import APICallPathFinder
from openapi_core.templating.paths.iterators import (
    TemplatePathsIterator,
    TemplateServersIterator,
)
from openapi_core.templating.paths.parsers import PathParser

from verifier._regex import Dialect, compile_regex


class _LinearPathParser(PathParser):
    """openapi-core's template expression, run by RE2 instead of `re`."""

    def __init__(self, pattern: str, pre_expression: str = "", post_expression: str = "") -> None:
        super().__init__(pattern, pre_expression, post_expression)
        # The expression is openapi-core's own: escaped literals and `(?P<gN>[^/]*)` groups,
        # which RE2 reads as `re` does. RE2's match objects answer `group(name)` alike.
        self._compiled: Any = compile_regex(self._expression, Dialect.RE2).program


class _LinearPaths(TemplatePathsIterator):
    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one iterator for the process, as upstream
    def _get_path_parser(self, path_pattern: str) -> PathParser:
        return _LinearPathParser(path_pattern, post_expression="$")


class _LinearServers(TemplateServersIterator):
    @functools.lru_cache(maxsize=1024)  # noqa: B019 - one iterator for the process, as upstream
    def _get_server_url_parser(self, server_url: str) -> PathParser:
        return _LinearPathParser(server_url, pre_expression="^")


class LinearPathFinder(APICallPathFinder):
    """Finds the operation and server of a request as openapi-core does, in linear time."""

    paths_iterator = _LinearPaths("paths")
    servers_iterator = _LinearServers()
