"""Speed only, no behaviour: moto as the tests run it, without its slowest needless work.

Not a patch in the sense of patches/ (those restore AWS behaviours, docs/moto.md): nothing
here changes what moto answers, only how much CPU it spends on it.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import yaml
from yaml.parser import ParserError
from yaml.scanner import ScannerError


def parse_templates_fast() -> None:
    """Parse a JSON template with json, and a YAML one with PyYAML's libyaml parser.

    moto parses a stack's template with `yaml.load(..., Loader=yaml.Loader)` several times an
    operation (creating the change set, comparing templates, executing); on a rack template
    (about 110 kB) that is about 0.2 s of CPU each time, most of moto's work in the e2e tests.
    json reads a JSON template into the same dict about a hundred times faster (and reads it
    as CloudFormation does, as JSON); `yaml.CLoader` has the same constructors and resolver as
    `yaml.Loader` with libyaml's scanner and parser, about ten times faster. Without libyaml,
    YAML templates are parsed as before.
    """
    loader = yaml.CLoader if getattr(yaml, "__with_libyaml__", False) else yaml.Loader
    from moto.cloudformation.models import ChangeSet, Stack
    from moto.cloudformation.utils import yaml_tag_constructor

    yaml.add_multi_constructor("", yaml_tag_constructor, Loader=loader)

    def parse_template(template: str) -> dict[str, Any]:
        # A JSON template is read as JSON, as CloudFormation reads it (racknet sends JSON).
        if template.lstrip().startswith("{"):
            try:
                return json.loads(template)
            except ValueError:
                pass
        try:
            return yaml.load(template, Loader=loader)
        except (ParserError, ScannerError):
            return json.loads(template)

    def parse_change_set_template(self: Any) -> None:
        self.template_dict = parse_template(self.template)

    Stack.parse_template = staticmethod(parse_template)  # type: ignore[method-assign]
    ChangeSet._parse_template = parse_change_set_template  # type: ignore[method-assign]


def list_moto_modules_once() -> None:
    """List moto's service packages once, not on every request.

    moto's dispatcher asks, for each request, whether the Host names one of moto's packages
    (`backends.list_of_moto_modules`), which lists moto's directory and stats every entry: about
    150 system calls a request, twice a request, a tenth of a forked server's CPU in a rack
    install. The directory is moto's installed package; it does not change while a server runs.
    """
    from moto import backends

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules  # type: ignore[assignment]


# The services whose models a rack install, a deploy and their deletes load (botocore's names).
# A service missing here is loaded on its first request, as before: speed only.
SERVICES_RACKNET_CALLS = ("acm", "cloudformation", "codebuild", "ec2", "ecr", "ecs", "elb", "elbv2", "events", "iam", "kms", "lambda", "logs", "route53", "s3", "service-quotas", "ssm", "sts")


# The services racknet calls whose API is REST (restXml, restJson): moto finds an operation by
# its method and path in a table it builds from a boto3 client, once per service and Region.
REST_SERVICES_RACKNET_CALLS = ("lambda", "route53", "s3", "scheduler")
# moto's packages whose errors racknet's calls meet ("core" raises the common ones).
MOTO_PACKAGES_RACKNET_CALLS = (
    "acm", "applicationautoscaling", "awslambda", "budgets", "cloudformation", "codebuild", "core", "ec2", "ecr", "ecs",
    "elasticache", "elbv2", "events", "iam", "kms", "logs", "rds", "route53", "s3", "scheduler", "secretsmanager",
    "servicequotas", "ssm", "sts",
)


def warm_lookups() -> None:
    """Fill, before forking, lookup caches moto fills on first use in each server anyway.

    Each is a `functools.cache` of a pure function of moto's and botocore's installed files:
    the table of a REST service's operations by method and path (it builds a boto3 client,
    about 0.1 s of CPU a service), and the botocore name of each moto package (it lists every
    botocore service, about 0.1 s; read when an error is serialized). A server forked after
    this has them; what it answers is the same. Regions other than us-east-1 are built on use.
    """
    from moto.core import utils
    from moto.core.responses import _get_method_urls

    for name in REST_SERVICES_RACKNET_CALLS:
        _get_method_urls(name, "us-east-1")
    for package in MOTO_PACKAGES_RACKNET_CALLS:
        utils.service_name_from_moto_package_name(package)


def serve_forks(socket_path: str, moto_server_main: Callable[[list[str]], None]) -> None:
    """Start moto_servers by forking this process, patched and with moto imported, on request.

    Importing moto and applying the patches costs about 2.4 s of CPU, paid again by every server
    a test run starts (each e2e worker's shared one, each file that needs an account of its own).
    A forked child has all of it already: it only binds its port. What it answers is the same as
    a server launched directly: the same modules patched the same way, a fresh process with no
    request served before the fork, its own random state (Python reseeds `random` in a forked
    child) and the requester's environment (moto and the patches read theirs when a request
    comes, so MOTO_SERVICE_QUOTAS and MOTO_CLOUDFORMATION_UPDATE_SECONDS work as for a launched
    server; the few read at import, MOTO_ACM_VALIDATION_TIMEOUT_SECONDS and
    MOTO_CODEBUILD_PHASE_SECONDS, come from this server's environment).

    One request a connection, one JSON line: {"args": [...moto_server arguments], "env": {...},
    "log": path}; the answer is one line {"pid": N}, the child's output going to `log`. This
    process reaps its children, so their CPU counts in its own (and in `time` of whoever runs it).
    """
    import os
    import signal
    import socket

    def reap(_signum: int, _frame: Any) -> None:
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            pass

    def stop(_signum: int, _frame: Any) -> None:
        reap(0, None)
        os._exit(0)

    from moto.core.utils import get_service_model

    # A cache moto fills on a service's first request anyway (functools.cache): filled once here,
    # each forked server has it instead of loading the models again.
    for name in SERVICES_RACKNET_CALLS:
        get_service_model(name)
    warm_lookups()
    signal.signal(signal.SIGCHLD, reap)
    signal.signal(signal.SIGTERM, stop)
    # Ended with the process that started it, should that one die without stopping it (Linux's
    # PR_SET_PDEATHSIG; a forked server does not inherit it). Elsewhere it is stopped as asked.
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)
    except (AttributeError, OSError):
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if os.path.exists(socket_path):
        os.unlink(socket_path)
    listener.bind(socket_path)
    listener.listen(16)
    print(f"fork server listening on {socket_path}", flush=True)
    while True:
        connection, _ = listener.accept()
        with connection:
            request = json.loads(connection.makefile("r").readline())
            pid = os.fork()
            if pid == 0:
                listener.close()
                connection.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                log = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                os.dup2(log, 1)
                os.dup2(log, 2)
                os.close(log)
                os.environ.clear()
                os.environ.update(request["env"])
                try:
                    moto_server_main(request["args"])
                finally:
                    os._exit(0)
            connection.sendall((json.dumps({"pid": pid}) + "\n").encode())
