"""PAdES signatures on the PDFs Attune issues, so a PDF reader shows any later change."""

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter

FIELD = "AttuneIssuer"


def sign_pdf(document: bytes, key_file: Path, cert_file: Path) -> bytes:
    """Sign a PDF with the issuer's key (PAdES baseline), as an incremental update."""
    signer = signers.SimpleSigner.load(str(key_file), str(cert_file))
    if signer is None:
        raise RuntimeError(f"Could not load the issuer key {key_file} and certificate {cert_file}.")
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD, subfilter=SigSeedSubFilter.PADES, reason="Issued by Attune"
    )
    output = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(document)), meta, signer=signer)
    return output.getvalue()


def create_issuer_key(directory: Path, common_name: str) -> tuple[Path, Path]:
    """A new RSA key and a self-signed certificate (for development and the demo only)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = directory / "issuer-key.pem", directory / "issuer-cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path
