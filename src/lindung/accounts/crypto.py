"""Secrets of sessions and tokens: only their SHA-256 digests are stored (the values are 256-bit
random, so no slow hash is needed), and they are compared in constant time."""

from __future__ import annotations

import hashlib
import secrets


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret(prefix: str = "") -> str:
    """256 random bits, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def same_secret(sent: str | None, expected: str | None) -> bool:
    """Constant-time comparison of two secrets as typed or stored (any text, even non-ASCII:
    ``secrets.compare_digest`` refuses non-ASCII strings, so bytes are compared)."""
    if not sent or not expected:
        return False
    return secrets.compare_digest(sent.encode("utf-8", "replace"),
                                  expected.encode("utf-8", "replace"))
