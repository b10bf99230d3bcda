"""Lambda account settings."""

from __future__ import annotations

import json
import os
from typing import Any

# AWS's defaults for an account that asked for no increase: 1,000 concurrent executions per
# region, of which 100 can never be reserved. The sizes are Lambda's documented quotas.
DEFAULT_CONCURRENCY = 1000
TOTAL_CODE_SIZE = 80 * 1024**3
CODE_SIZE_UNZIPPED = 250 * 1024**2
CODE_SIZE_ZIPPED = 50 * 1024**2


def restore_get_account_settings() -> None:
    """AWS: GetAccountSettings (GET /2016-08-19/account-settings/) answers the account's
    limits in the region: ConcurrentExecutions (1,000 by default) and UnreservedConcurrentExecutions
    (that minus what functions reserve), with code-size limits and usage
    (https://docs.aws.amazon.com/lambda/latest/api/API_GetAccountSettings.html,
    https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). moto has no such
    route and answers its HTML 404 page. The quota follows moto's own
    MOTO_LAMBDA_CONCURRENCY_QUOTA when it is set, as put_function_concurrency does."""
    from moto.awslambda import urls
    from moto.awslambda.responses import LambdaResponse

    urls.url_paths[r"{0}/(?P<api_version>[^/]+)/account-settings/?$"] = LambdaResponse.dispatch

    def get_account_settings(self: Any) -> Any:
        quota = int(os.environ.get("MOTO_LAMBDA_CONCURRENCY_QUOTA", DEFAULT_CONCURRENCY))
        functions = self.backend.list_functions()
        reserved = sum(int(function.reserved_concurrency or 0) for function in functions)
        used = sum(int(getattr(function, "code_size", 0) or 0) for function in functions)
        body = {
            "AccountLimit": {
                "TotalCodeSize": TOTAL_CODE_SIZE,
                "CodeSizeUnzipped": CODE_SIZE_UNZIPPED,
                "CodeSizeZipped": CODE_SIZE_ZIPPED,
                "ConcurrentExecutions": quota,
                "UnreservedConcurrentExecutions": quota - reserved,
            },
            "AccountUsage": {"TotalCodeSize": used, "FunctionCount": len(functions)},
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    LambdaResponse.get_account_settings = get_account_settings
