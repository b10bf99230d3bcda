"""Reading a Dockerfile as docker's builder would: its instructions, and the RUN commands
that visibly fail (`exit N`, `false`) without running anything."""

from __future__ import annotations

import json
import re


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
