"""Ed25519 signatures of a pack's manifest, so an auditor can check a pack they were sent.

The manifest lists the SHA-256 of every output; signing the manifest therefore signs the pack. The
signature goes beside it in ``manifest.sig`` (JSON: algorithm, key fingerprint, base64 signature).
Keys are PEM files as OpenSSL writes them (``openssl genpkey -algorithm ed25519``) or as
``itscm-audit keygen`` writes them; ``cryptography`` is imported only when a key is used.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itscm_audit.errors import UsageError, VerificationFailed
from itscm_audit.fsio import write_bytes_atomic, write_text_atomic

SIGNATURE_NAME = "manifest.sig"
ALGORITHM = "Ed25519"
PASSPHRASE_ENV = "ITSCM_KEY_PASSPHRASE"
"""Environment variable holding the passphrase of an encrypted private key."""


def _read(path: Path, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the {what}: {exc.strerror or exc}", location=str(path)) from None


def load_private_key(path: Path) -> Any:
    """The Ed25519 private key in a PEM file (encrypted keys take their passphrase from the environment)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    data = _read(path, "signing key")
    passphrase = os.environ.get(PASSPHRASE_ENV)
    try:
        key = load_pem_private_key(data, password=passphrase.encode() if passphrase else None)
    except TypeError:
        raise UsageError("the signing key is encrypted", location=str(path),
                         hint=f"put its passphrase in the environment variable {PASSPHRASE_ENV}") from None
    except Exception as exc:  # cryptography raises several types for a file that is no key
        raise UsageError(f"not a PEM private key, or a wrong passphrase ({type(exc).__name__})", location=str(path),
                         hint="create one with 'itscm-audit keygen FILE' or "
                              "'openssl genpkey -algorithm ed25519 -out FILE'") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError(f"not an Ed25519 key ({type(key).__name__})", location=str(path),
                         hint="packs are signed with Ed25519 keys: 'itscm-audit keygen FILE'")
    return key


def load_public_key(path: Path) -> Any:
    """The Ed25519 public key in a PEM file (``openssl pkey -in KEY -pubout``)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    data = _read(path, "public key")
    try:
        key = load_pem_public_key(data)
    except Exception as exc:  # cryptography raises several types for a file that is no key
        raise UsageError(f"not a PEM public key ({type(exc).__name__})", location=str(path),
                         hint="give the .pub file written beside the signing key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise UsageError(f"not an Ed25519 public key ({type(key).__name__})", location=str(path))
    return key


def fingerprint(public_key: Any) -> str:
    """``sha256:`` and the hex digest of the raw public key: what an auditor compares by phone."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def sign_manifest(manifest: Path, private_key: Any) -> Path:
    """Write ``manifest.sig`` beside ``manifest`` (Ed25519 is deterministic: same key, same bytes)."""
    signature = private_key.sign(manifest.read_bytes())
    doc = {"algorithm": ALGORITHM, "signed_file": manifest.name,
           "public_key": fingerprint(private_key.public_key()),
           "signature": base64.b64encode(signature).decode("ascii")}
    target = manifest.with_name(SIGNATURE_NAME)
    write_text_atomic(target, json.dumps(doc, indent=2) + "\n")
    return target


@dataclass(frozen=True)
class SignatureCheck:
    valid: bool
    message: str


def check_signature(pack: Path, public_key_path: Path) -> SignatureCheck:
    """Whether ``pack/manifest.sig`` is a valid signature of ``pack/manifest.json`` by this public key."""
    from cryptography.exceptions import InvalidSignature

    key = load_public_key(public_key_path)
    sig_path = pack / SIGNATURE_NAME
    if not sig_path.is_file():
        return SignatureCheck(False, f"not signed: no {SIGNATURE_NAME} in the pack")
    try:
        doc = json.loads(sig_path.read_text(encoding="utf-8"))
        signature = base64.b64decode(doc["signature"], validate=True)
        if doc.get("algorithm") != ALGORITHM:
            raise ValueError(f"algorithm {doc.get('algorithm')!r}")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise VerificationFailed(f"{SIGNATURE_NAME} is unreadable ({exc})", location=str(sig_path)) from None
    try:
        key.verify(signature, (pack / "manifest.json").read_bytes())
    except InvalidSignature:
        return SignatureCheck(False, f"signature does not match: manifest.json changed after signing, or it "
                                     f"was not signed by this key ({fingerprint(key)})")
    return SignatureCheck(True, f"signature valid (key {fingerprint(key)})")


def generate_key(private_path: Path) -> tuple[Path, Path]:
    """A new Ed25519 key pair: ``private_path`` (PEM, readable by its owner only) and ``.pub`` beside it."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )

    private_path = Path(private_path)
    public_path = private_path.with_name(private_path.name + ".pub")
    for path in (private_path, public_path):
        if path.exists() or path.is_symlink():
            raise UsageError("a file is already there; keys are never overwritten", location=str(path),
                             hint="choose another file name")
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    public = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    write_bytes_atomic(private_path, private, mode=0o600)
    write_bytes_atomic(public_path, public)
    return private_path, public_path
