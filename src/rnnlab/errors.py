"""Failures a user can cause and act on, and how the entry points report them."""

import os
import sys
from collections.abc import Callable

TRACEBACK_VARIABLE = "RNNLAB_TRACEBACK"


class RnnlabError(Exception):
    """An expected failure (data, params, fetch, checkpoint, user input) whose message names the file, row or
    key, what was found and what was expected: reported as that one line, without a traceback."""


def report(program: str, run: Callable[[], None], afterword: str = "") -> None:
    """Runs ``run``; an expected failure is one line on stderr, ``afterword`` appended, and exit status 1
    (RNNLAB_TRACEBACK=1 shows the traceback as well). Unexpected errors keep their traceback."""
    try:
        run()
    except RnnlabError as error:
        if os.environ.get(TRACEBACK_VARIABLE) == "1":
            raise
        print(f"{program}: {error}{afterword}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print(f"{program}: interrupted; nothing it was writing replaced an earlier output{afterword}", file=sys.stderr)
        sys.exit(130)
