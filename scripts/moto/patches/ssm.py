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


def restore_ssm_parameter_tags_and_names() -> None:
    """AWS: an AWS::SSM::Parameter takes Tags as a JSON object of keys and values
    (ListTagsForResource shows them), and without Name CloudFormation generates a unique name
    for the parameter. moto failed the resource in both cases ("string indices must be
    integers", "'NoneType' object has no attribute 'lower'")."""
    from moto.ssm.models import Parameter

    previous_create = Parameter.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = dict(cloudformation_json.get("Properties", {}))
        properties.setdefault("Name", resource_name)
        tags = properties.get("Tags")
        if isinstance(tags, dict):
            properties["Tags"] = [{"Key": key, "Value": str(value)} for key, value in tags.items()]
        return previous_create(cls, resource_name, {**cloudformation_json, "Properties": properties}, account_id, region_name, **kwargs)

    Parameter.create_from_cloudformation_json = classmethod(create)  # type: ignore[assignment]
