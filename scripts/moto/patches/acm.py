"""ACM certificates."""

from __future__ import annotations

from typing import Any


def restore_acm_reimport_tags() -> None:
    """AWS: ImportCertificate with the CertificateArn of an imported certificate (a re-import)
    replaces the certificate and key under the same ARN and keeps the certificate's tags.
    moto made a fresh certificate under that ARN, so its tags were lost."""
    from moto.acm.models import AWSCertificateManagerBackend

    previous = AWSCertificateManagerBackend.import_certificate

    def import_certificate(self: Any, certificate: bytes, private_key: bytes, chain: bytes | None, arn: str | None, tags: list[dict[str, str]]) -> str:
        old = self._certificates.get(arn) if arn else None
        result = previous(self, certificate, private_key, chain, arn, tags)
        if old is not None and result in self._certificates and self._certificates[result] is not old:
            new = self._certificates[result]
            kept = old.tags
            if tags:
                kept.add(tags)
            new.tags = kept
            new.in_use_by = old.in_use_by
        return result

    AWSCertificateManagerBackend.import_certificate = import_certificate
