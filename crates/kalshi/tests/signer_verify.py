#!/usr/bin/env python3
"""Verify a Kalshi request signature with Python `cryptography` (independent of Rust).

Usage: signer_verify.py PUBLIC_KEY_PEM_FILE MESSAGE SIGNATURE_BASE64
RSA keys: RSA-PSS, SHA-256, MGF1-SHA-256, salt = digest length (as Kalshi's SDK signs).
Ed25519 keys: plain Ed25519. Exits 0 if the signature verifies, 1 otherwise.
Run by the Rust test `signer::tests::python_cryptography_verifies`.
"""

import base64
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa


def main() -> int:
    key_path, message, signature_b64 = sys.argv[1:4]
    with open(key_path, "rb") as f:
        key = serialization.load_pem_public_key(f.read())
    signature = base64.b64decode(signature_b64, validate=True)
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(
                signature,
                message.encode(),
                padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH),
                hashes.SHA256(),
            )
        elif isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, message.encode())
        else:
            print(f"unsupported key type {type(key).__name__}", file=sys.stderr)
            return 1
    except InvalidSignature:
        print(f"{type(key).__name__}: signature does NOT verify", file=sys.stderr)
        return 1
    print(f"{type(key).__name__}: signature verifies")
    return 0


if __name__ == "__main__":
    sys.exit(main())
