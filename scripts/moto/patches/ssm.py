"""SSM parameters made by CloudFormation."""

from __future__ import annotations

from typing import Any


def restore_ssm_parameter_attributes() -> None:
    """AWS: Fn::GetAtt of an AWS::SSM::Parameter gives its Type and Value. In moto the GetAtt
    raised inside DescribeStacks, which then silently dropped every Output of the stack."""
    from moto.ssm.models import Parameter

    def get_cfn_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name == "Value":
            return self.value
        if attribute_name == "Type":
            return self.type
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    Parameter.get_cfn_attribute = get_cfn_attribute
    Parameter.has_cfn_attr = classmethod(lambda cls, attr: attr in ("Type", "Value"))
