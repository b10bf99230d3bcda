"""Speed only, no behaviour: moto as the tests run it, without its slowest needless work.

Not a patch in the sense of patches/ (those restore AWS behaviours, docs/moto.md): nothing
here changes what moto answers, only how much CPU it spends on it.
"""

from __future__ import annotations

import json
from typing import Any

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
