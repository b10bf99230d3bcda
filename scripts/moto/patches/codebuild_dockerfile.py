"""Reading a Dockerfile as docker's builder would: its instructions, the RUN commands that
visibly fail (`exit N`, `false`) and the COPY/ADD sources the context does not have, without
running anything."""

from __future__ import annotations

import json
import posixpath
import re
from typing import Callable


def failing_status(shell: str) -> int | None:
    """The exit status of a shell command that visibly fails (`exit N`, `false`), else None.
    Anything else is taken to succeed: it cannot be run here."""
    if "||" in shell:
        return None
    for part in re.split(r"&&|;|\n", shell):
        words = part.strip().split()
        if words in (["false"], ["/bin/false"]):
            return 1
        if len(words) == 2 and words[0] == "exit" and words[1].isdigit() and int(words[1]) != 0:
            return int(words[1])
    return None


def run_instruction_status(arguments: str) -> int | None:
    arguments = re.sub(r"^(--\S+\s+)+", "", arguments.strip())
    if arguments.startswith("["):
        try:
            argv = json.loads(arguments)
        except ValueError:
            return None
        if argv and argv[0] in ("false", "/bin/false"):
            return 1
        if len(argv) >= 3 and argv[0] in ("sh", "/bin/sh", "bash", "/bin/bash") and argv[1] == "-c":
            return failing_status(argv[2])
        return None
    return failing_status(arguments)


def dockerfile_instructions(text: str) -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    instructions: list[str] = []
    current = ""
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip() or line.strip().startswith("#"):
            continue
        # Docker keeps the continuation line's own indentation: "RUN a && \\" + "    b".
        if line.endswith("\\"):
            current += line[:-1]
            continue
        current += line
        instructions.append(current.strip())
        current = ""
    if current.strip():
        instructions.append(current.strip())
    return instructions


def ignored_by(ignore_text: str | None) -> Callable[[str], bool]:
    """Whether a context path is excluded by a .dockerignore, with docker's own matching rules
    (the docker SDK's port of moby's patternmatcher: `**`, `!` exceptions, the last match wins)."""
    if not ignore_text:
        return lambda path: False
    from docker.utils.build import PatternMatcher

    patterns = [line.strip() for line in ignore_text.splitlines() if line.strip() and not line.strip().startswith("#")]
    matcher = PatternMatcher(patterns)
    return lambda path: bool(matcher.matches(path))


def copy_sources(keyword: str, arguments: str) -> list[str]:
    """The build-context sources of a COPY or ADD whose presence can be known without building:
    none for `--from` (another stage or image), heredocs, URLs and sources naming a variable or
    a wildcard (BuildKit accepts a wildcard that matches nothing)."""
    text = arguments.strip()
    if "<<" in text:
        return []
    flags = re.findall(r"^(?:--\S+\s+)*", text)[0]
    if re.search(r"(^|\s)--from=", flags):
        return []
    text = text[len(flags):].strip()
    if text.startswith("["):
        try:
            words = [str(word) for word in json.loads(text)]
        except ValueError:
            return []
    else:
        words = text.split()
    sources = words[:-1]
    return [
        source
        for source in sources
        if "$" not in source
        and not re.search(r"[*?\[]", source)
        and not (keyword == "ADD" and re.match(r"^(https?://|git@|[a-z]+://)", source))
    ]


def missing_copy_source(sources: list[str], context_paths: set[str]) -> str | None:
    """The first source that is neither a file nor a folder of the (ignore-filtered) context."""
    for source in sources:
        relative = posixpath.normpath("/" + source).lstrip("/")
        if relative in ("", "."):
            continue
        if relative in context_paths or any(path.startswith(relative + "/") for path in context_paths):
            continue
        return source
    return None
