"""PAdES signatures on printed forms (pyHanko): sign a PDF in memory with the platform's PKCS#12
certificate, and check an uploaded PDF's signature against that certificate.

Pure: no Flask, no database. The caller decides which forms are signed (settled records only) and
what a check's result means for a record.
"""

from __future__ import annotations

import datetime
import io
import logging
import warnings
from dataclasses import dataclass
from typing import Any

from asn1crypto import x509
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import NameOID

with warnings.catch_warnings():  # pyHanko imports cryptography's DSA names, deprecated there
    warnings.simplefilter("ignore", CryptographyDeprecationWarning)
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext

FIELD_NAME = "PlatformSignature"
# Room for the CMS signature in the file; sizing it by a dry run would sign every form twice.
BYTES_RESERVED = 16384

# An untrusted or broken signature is an answer here, not an error: keep pyHanko's tracebacks quiet.
logging.getLogger("pyhanko.sign.validation").setLevel(logging.CRITICAL)
logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)


class SigningError(ValueError):
    """The configured certificate cannot sign (unreadable file, wrong passphrase, no key)."""


class _CachedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses the private key again for every signature (most of the time
    of an RSA signature); this one parses it once."""

    _key: Any = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        if self._key is None:
            self._key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(hash_algo))
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)["algorithm"].native
        if isinstance(self._key, RSAPrivateKey) and mechanism != "rsassa_pss":
            return self._key.sign(data, PKCS1v15(), hash_algo)
        return super().sign_raw(data, digest_algorithm)  # RSA-PSS and other keys: pyHanko's own way


@dataclass(frozen=True)
class FormSigner:
    """The platform's signing certificate and key, loaded once."""

    signer: signers.SimpleSigner

    @classmethod
    def from_pkcs12(cls, data: bytes, passphrase: str | None) -> FormSigner:
        secret = passphrase.encode("utf-8") if passphrase else None
        try:
            loaded = _CachedKeySigner.load_pkcs12_data(data, other_certs=[], passphrase=secret)
        except (ValueError, TypeError) as problem:
            raise SigningError(f"签名证书无法读取（PKCS#12 文件或口令不对）：{problem}") from problem
        if loaded is None or loaded.signing_cert is None:
            raise SigningError("签名证书无法读取（PKCS#12 文件中没有证书和私钥）")
        return cls(loaded)

    @property
    def certificate(self) -> x509.Certificate:
        return self.signer.signing_cert

    def sign(self, pdf: bytes, reason: str, location: str = "") -> bytes:
        """``pdf`` with an invisible PAdES signature over the whole file appended (incremental update:
        the first part of the result is ``pdf`` unchanged)."""
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason=reason,
            location=location or None,
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        out = io.BytesIO()
        signers.PdfSigner(meta, signer=self.signer).sign_pdf(writer, output=out, bytes_reserved=BYTES_RESERVED)
        return out.getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    """What a PDF's signature says: present, unaltered since signing, made by a trusted certificate."""

    signed: bool
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False  # nothing was added after the signature
    signer: str = ""
    signed_at: datetime.datetime | None = None
    problem: str = ""

    @property
    def genuine(self) -> bool:
        return self.signed and self.intact and self.trusted and self.whole_file


def signer_name(certificate: x509.Certificate) -> str:
    """Who signed, as a reader says it: the certificate's name and, in brackets, its organisation."""
    subject = certificate.subject.native
    name, organisation = subject.get("common_name", ""), subject.get("organization_name", "")
    return f"{name}（{organisation}）" if name and organisation else name or organisation or certificate.subject.human_friendly


def check_signature(pdf: bytes, trusted: list[x509.Certificate]) -> SignatureCheck:
    """Validate the first signature of ``pdf`` against ``trusted`` (no network fetching)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        found = reader.embedded_signatures
    except Exception as problem:  # any unreadable upload is an answer, not a crash
        return SignatureCheck(signed=False, problem=f"文件不是可读的 PDF：{problem}")
    if not found:
        return SignatureCheck(signed=False, problem="文件中没有数字签名")
    signature = found[0]
    context = ValidationContext(trust_roots=list(trusted), allow_fetching=False)
    try:
        status = validate_pdf_signature(signature, context)
    except (SignatureValidationError, ValueError) as problem:
        return SignatureCheck(signed=True, problem=f"签名无法验证：{problem}")
    whole = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    return SignatureCheck(
        signed=True,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        whole_file=whole,
        signer=signer_name(status.signing_cert) if status.signing_cert else "",
        signed_at=status.signer_reported_dt,
    )


def development_certificate(common_name: str, organization: str, days: int = 3650) -> bytes:
    """A self-signed PKCS#12 (EC P-256, no passphrase) for development and tests: key usage for
    signing documents (digitalSignature, nonRepudiation), as PAdES validators ask."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, common_name), cx509.NameAttribute(NameOID.ORGANIZATION_NAME, organization)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        cx509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(cx509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(cx509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            cx509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(b"form-signing", key, certificate, None, serialization.NoEncryption())
