"""What a CodeBuild build of a docker image does, worked out without docker: which phases
succeed, what the build's log says, and which images `docker push` sends to ECR.

moto cannot run containers, so this reads the buildspec and the Dockerfile instead of running
them. What it emulates, and what not, is listed in docs/moto.md (CodeBuild builds).
"""

from __future__ import annotations

import hashlib
import re
import shlex
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml

from .codebuild_dockerfile import copy_sources, dockerfile_instructions, ignored_by, missing_copy_source, run_instruction_status

COMMAND_PHASES = ("install", "pre_build", "build", "post_build")
SRC_DIR = "/codebuild/output/src1234567/src"


@dataclass
class Push:
    """`docker push` of a local image to a registry (the image id stands for its content)."""

    registry: str
    repository: str
    tag: str
    image_id: str


@dataclass
class PhaseRun:
    phase: str
    succeeded: bool = True
    context: dict[str, str] | None = None
    lines: list[str] = field(default_factory=list)
    pushes: list[Push] = field(default_factory=list)


class CommandFailed(Exception):
    def __init__(self, status: int, output: list[str]):
        super().__init__(status)
        self.status = status
        self.output = output


def expand(text: str, env: dict[str, str]) -> str:
    """$NAME, ${NAME} and ${NAME:-default} as a shell expands them (unset is empty)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        default = match.group(3)
        found = env.get(name, "")
        return found if found or default is None else default

    return re.sub(r"\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\})", value, text)


class Shell:
    """One build's shell session: the commands of all phases run in it, in order (buildspec 0.2)."""

    def __init__(self, env: dict[str, str], files: dict[str, bytes], account_id: str, region: str, push_refusal: Callable[[str, str, str], str | None]):
        self.env = dict(env)
        # Why the account's ECR would refuse this push (no such repository, immutable tag), or None.
        self.push_refusal = push_refusal
        self.files = files
        self.cwd = ""
        self.images: dict[str, str] = {}  # local tag -> image id
        self.logged_in: set[str] = set()
        self.own_registry = f"{account_id}.dkr.ecr.{region}.amazonaws.com"
        self.pushes: list[Push] = []

    def path(self, relative: str) -> str:
        joined = relative if relative.startswith("/") else f"{self.cwd}/{relative}" if self.cwd else relative
        parts: list[str] = []
        for part in joined.replace(SRC_DIR, "").split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                if parts:
                    parts.pop()
                continue
            parts.append(part)
        return "/".join(parts)

    def run(self, command: str) -> list[str]:
        """Runs one buildspec command (a line may chain commands with && ; |); raises CommandFailed."""
        output: list[str] = []
        for chained in re.split(r"&&|;|\n", command):
            alternatives = chained.split("||")
            for index, alternative in enumerate(alternatives):
                try:
                    for segment in (part.strip() for part in alternative.split("|")):
                        output += self.simple(segment) if segment else []
                    break
                except CommandFailed as failure:
                    output += failure.output
                    if index == len(alternatives) - 1:
                        raise CommandFailed(failure.status, output)
        return output

    def simple(self, segment: str) -> list[str]:
        assignment = re.fullmatch(r"(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)", segment)
        if assignment:
            try:
                self.env[assignment.group(1)] = " ".join(shlex.split(expand(assignment.group(2), self.env)))
            except ValueError:  # $(...) and the like are not emulated
                self.env[assignment.group(1)] = ""
            return []
        try:
            words = shlex.split(expand(segment, self.env))
        except ValueError:  # quoting or $(...) this reading cannot follow: not emulated
            return []
        if not words:
            return []
        if words == ["false"] or (words[0] == "exit" and len(words) == 2 and words[1] != "0"):
            raise CommandFailed(int(words[1]) if words[0] == "exit" and words[1].isdigit() else 1, [])
        if words[0] == "echo":
            return [" ".join(words[1:])]
        if words[0] == "cd" and len(words) == 2:
            self.cwd = self.path(words[1])
            return []
        if words[0] == "docker":
            return self.docker(words[1:])
        return []  # not emulated: taken to succeed

    def docker(self, words: list[str]) -> list[str]:
        if words[:2] in (["buildx", "build"], ["image", "build"]):
            words = words[1:]
        if not words:
            return []
        if words[0] == "login":
            positional = [w for i, w in enumerate(words[1:], 1) if not w.startswith("-") and not words[i - 1] in ("-u", "--username", "-p", "--password")]
            if positional:
                self.logged_in.add(positional[-1].removeprefix("https://"))
            return ["Login Succeeded"]
        if words[0] == "build":
            return self.build(words[1:])
        if words[0] == "tag" and len(words) == 3:
            source, target = self.tagged(words[1]), self.tagged(words[2])
            if source not in self.images:
                raise CommandFailed(1, [f"Error response from daemon: No such image: {source}"])
            self.images[target] = self.images[source]
            return []
        if words[0] == "push":
            return self.push(self.tagged(next(w for w in words[1:] if not w.startswith("-"))))
        return []  # other docker commands are not emulated: taken to succeed

    @staticmethod
    def tagged(reference: str) -> str:
        return reference if re.search(r":[^/]+$", reference) else f"{reference}:latest"

    def build(self, arguments: list[str]) -> list[str]:
        tags: list[str] = []
        dockerfile: str | None = None
        build_args: list[str] = []
        positional: list[str] = []
        with_value = {"-t", "--tag", "-f", "--file", "--build-arg", "--target", "--platform", "--label", "--network", "--cache-from", "--progress", "--secret", "--ssh", "--output", "-o"}
        index = 0
        while index < len(arguments):
            word = arguments[index]
            option, _, inline = word.partition("=") if word.startswith("--") else (word, "", "")
            if option in with_value:
                value = inline if inline else (arguments[index + 1] if index + 1 < len(arguments) else "")
                index += 1 if inline else 2
                if option in ("-t", "--tag"):
                    tags.append(self.tagged(value))
                elif option in ("-f", "--file"):
                    dockerfile = value
                elif option == "--build-arg":
                    build_args.append(value)
                continue
            if not word.startswith("-"):
                positional.append(word)
            index += 1
        context = self.path(positional[-1] if positional else ".")
        in_context = [name for name in self.files if not context or name.startswith(context + "/")]
        if context and not in_context:
            raise CommandFailed(1, [f'unable to prepare context: path "{positional[-1] if positional else "."}" not found'])
        dockerfile_path = self.path(dockerfile) if dockerfile else (f"{context}/Dockerfile" if context else "Dockerfile")
        if dockerfile_path not in self.files:
            raise CommandFailed(1, [f"unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat {SRC_DIR}/{dockerfile_path}: no such file or directory"])
        instructions = dockerfile_instructions(self.files[dockerfile_path].decode("utf-8", "replace"))
        # What COPY and ADD can take: the context less what its .dockerignore excludes (the
        # Dockerfile's own <Dockerfile>.dockerignore first, as BuildKit reads it).
        ignore_file = next((name for name in (f"{dockerfile_path}.dockerignore", f"{context}/.dockerignore" if context else ".dockerignore") if name in self.files), None)
        excluded = ignored_by(self.files[ignore_file].decode("utf-8", "replace") if ignore_file else None)
        relative = {name[len(context) + 1 :] if context else name for name in in_context}
        copyable = {name for name in relative if not excluded(name)}
        size = sum(len(self.files[name]) for name in in_context)
        output = [f"Sending build context to Docker daemon  {size / 1000:.3f}kB"]
        digest = hashlib.sha256()
        for name in sorted(in_context):
            digest.update(name.encode() + b"\0" + self.files[name] + b"\0")
        digest.update("\0".join(build_args).encode())
        for number, instruction in enumerate(instructions, 1):
            output.append(f"Step {number}/{len(instructions)} : {instruction}")
            keyword, _, rest = instruction.partition(" ")
            digest.update(instruction.encode())
            layer = digest.hexdigest()[:12]
            if keyword.upper() in ("COPY", "ADD"):
                missing = missing_copy_source(copy_sources(keyword.upper(), rest), copyable)
                if missing is not None:
                    output.append(f"COPY failed: file not found in build context or excluded by .dockerignore: stat {missing.lstrip('/')}: file does not exist")
                    raise CommandFailed(1, output)
            if keyword.upper() == "RUN":
                output.append(f" ---> Running in {hashlib.sha256(layer.encode()).hexdigest()[:12]}")
                status = run_instruction_status(rest)
                if status is not None:
                    shell_form = rest.strip() if not rest.strip().startswith("[") else rest.strip()
                    output.append(f"The command '/bin/sh -c {shell_form}' returned a non-zero code: {status}")
                    raise CommandFailed(status, output)
            output.append(f" ---> {layer}")
        image_id = digest.hexdigest()
        output.append(f"Successfully built {image_id[:12]}")
        for tag in tags:
            self.images[tag] = image_id
            output.append(f"Successfully tagged {tag}")
        return output

    def push(self, reference: str) -> list[str]:
        if reference not in self.images:
            raise CommandFailed(1, [f"An image does not exist locally with the tag: {reference.rsplit(':', 1)[0]}"])
        name, tag = reference.rsplit(":", 1)
        registry, _, repository = name.partition("/")
        output = [f"The push refers to repository [{name}]"]
        if registry != self.own_registry:
            raise CommandFailed(1, output + [f"moto emulates pushes to this account's ECR registry ({self.own_registry}) only, not to {registry}"])
        if registry not in self.logged_in:
            raise CommandFailed(1, output + ["no basic auth credentials"])
        image_id = self.images[reference]
        refusal = self.push_refusal(repository, tag, image_id)
        if refusal:
            raise CommandFailed(1, output + [refusal])
        self.pushes.append(Push(registry, repository, tag, image_id))
        return output + [f"{image_id[:12]}: Pushed", f"{tag}: digest: sha256:{image_id} size: 1570"]


def buildspec_of(text: str) -> dict[str, Any]:
    spec = yaml.safe_load(text)
    if not isinstance(spec, dict) or "version" not in spec:
        raise ValueError("the buildspec has no version")
    return spec


def run_phases(spec: dict[str, Any], shell: Shell, timestamp: Callable[[str], str]) -> list[PhaseRun]:
    """Runs the buildspec's phases as CodeBuild does: a failure in INSTALL or PRE_BUILD ends
    the commands; a failure in BUILD still runs POST_BUILD (CODEBUILD_BUILD_SUCCEEDING=0)."""
    for variable, value in ((spec.get("env") or {}).get("variables") or {}).items():
        shell.env.setdefault(str(variable), expand(str(value), shell.env))
    shell.env["CODEBUILD_BUILD_SUCCEEDING"] = "1"
    runs: list[PhaseRun] = []
    phases = spec.get("phases") or {}
    for name in COMMAND_PHASES:
        phase = PhaseRun(name.upper())
        runs.append(phase)
        phase.lines.append(f"{timestamp(phase.phase)} Entering phase {phase.phase}")
        for command in (phases.get(name) or {}).get("commands") or []:
            command = str(command)
            phase.lines.append(f"{timestamp(phase.phase)} Running command {command}")
            pushed_before = len(shell.pushes)
            try:
                phase.lines += shell.run(command)
            except CommandFailed as failure:
                phase.lines += failure.output
                phase.lines.append(f"{timestamp(phase.phase)} Command did not exit successfully {command} exit status {failure.status}")
                phase.succeeded = False
                phase.context = {"statusCode": "COMMAND_EXECUTION_ERROR", "message": f"Error while executing command: {command}. Reason: exit status {failure.status}"}
            phase.pushes += shell.pushes[pushed_before:]
            if not phase.succeeded:
                break
        state = "SUCCEEDED" if phase.succeeded else "FAILED"
        phase.lines.append(f"{timestamp(phase.phase)} Phase complete: {phase.phase} State: {state}")
        context = phase.context or {"statusCode": "", "message": ""}
        phase.lines.append(f"{timestamp(phase.phase)} Phase context status code: {context['statusCode']} Message: {context['message']}")
        if not phase.succeeded:
            shell.env["CODEBUILD_BUILD_SUCCEEDING"] = "0"
            if phase.phase in ("INSTALL", "PRE_BUILD"):
                break
    return runs
