"""The hub's encryption: its own self-signed certificate, pinned by fingerprint on each kiosk.

A venue network has no certificate authority and no internet, so the hub makes a certificate of
its own the first time it starts (kept in its data folder, readable by its owner only) and every
kiosk keeps the certificate's SHA-256 fingerprint when it pairs (see pairing.py), as Syncthing
pins device ids. A kiosk then talks only to a hub showing that exact certificate: another
machine answering on the hub's address, or someone in the middle, is refused before the kiosk's
key or a single answer is sent.
"""

from __future__ import annotations

import datetime
import hashlib
import http.client
import socket
import ssl
from pathlib import Path

from kiosk.private import write_private
from kiosk.store.hub.token import HubError

CERT_FILE_NAME = "hub-cert.pem"
KEY_FILE_NAME = "hub-key.pem"


def fingerprint_of(der: bytes) -> str:
    """A certificate's SHA-256 fingerprint as staff read it: 64 hex digits in groups of four."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return " ".join(digest[i:i + 4] for i in range(0, 64, 4))


def same_fingerprint(a: str, b: str) -> bool:
    """Whether two fingerprints are the same, however they were spaced or cased."""
    def norm(text: str) -> str:
        return "".join(ch for ch in text.upper() if ch in "0123456789ABCDEF")
    return len(norm(a)) == 64 and norm(a) == norm(b)


def hub_certificate(data_dir: str | Path) -> tuple[Path, Path, str]:
    """The hub's certificate and key files (made the first time) and the certificate's
    fingerprint."""
    folder = Path(data_dir)
    cert, key = folder / CERT_FILE_NAME, folder / KEY_FILE_NAME
    if not (cert.exists() and key.exists()):
        _make_certificate(cert, key)
    try:
        der = ssl.PEM_cert_to_DER_cert(cert.read_text(encoding="ascii"))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise HubError(f"{cert}: not a readable certificate ({exc}); delete {cert.name} and "
                       f"{key.name} to make new ones, then pair every kiosk again") from None
    return cert, key, fingerprint_of(der)


def _make_certificate(cert: Path, key: Path) -> None:
    # cryptography is imported only here: a hub starts it once in its life.
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kiosk hub")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(private.public_key()).serial_number(x509.random_serial_number())
        # A Raspberry Pi without a network may think it is 1970: start well in the past.
        .not_valid_before(datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
        .not_valid_after(now + datetime.timedelta(days=365 * 30))
        .sign(private, hashes.SHA256()))
    write_private(key, private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    write_private(cert, certificate.public_bytes(serialization.Encoding.PEM))


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    """The hub's TLS settings: TLS 1.2 or later, its own certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


def _client_context() -> ssl.SSLContext:
    # No certificate authority can vouch for a venue's hub: the fingerprint check after the
    # handshake (PinnedConnection.connect) is what authenticates it.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class PinnedConnection(http.client.HTTPSConnection):
    """An HTTPS connection that refuses any server whose certificate is not the pinned one.

    With `pinned` None (pairing, the first contact) it accepts any certificate and records its
    fingerprint in `seen`, for the pairing proof to bind (see pairing.pairing_proof).
    """

    def __init__(self, host: str, port: int | None, pinned: str | None, timeout: float):
        super().__init__(host, port, timeout=timeout, context=_client_context())
        self.pinned = pinned
        self.seen: str | None = None

    def connect(self) -> None:
        """Connect, then check the certificate before anything is sent."""
        super().connect()
        assert isinstance(self.sock, ssl.SSLSocket)
        der = self.sock.getpeercert(binary_form=True)
        self.seen = fingerprint_of(der or b"")
        if self.pinned is not None and not same_fingerprint(self.seen, self.pinned):
            self.sock.close()
            raise HubError(
                f"{self.host}:{self.port}: is not the hub this kiosk paired with (its "
                f"certificate fingerprint is {self.seen}, the paired hub's is {self.pinned}); "
                "check the address, and pair again only if the hub was set up afresh")


def is_tls_hello(first: bytes) -> bool:
    """Whether the first byte a client sent starts a TLS handshake (a record of type 22)."""
    return first[:1] == b"\x16"


def peek(sock: socket.socket) -> bytes:
    """The first byte a client sent, left in the socket for whoever reads next."""
    return sock.recv(1, socket.MSG_PEEK)
