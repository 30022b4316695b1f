"""https downloads check the server's certificate against the system's trust store
(truststore), with certifi or Python's default as the fallback: against a local HTTPS
server on 127.0.0.1 with a certificate made for the test."""

import shutil
import ssl
import subprocess
import sys

import pytest

from rnnlab.core.data.fetch import fetch, ssl_context
from rnnlab.core.errors import DownloadError
from tests.local_server import LocalServer, body

DATA = b"To be, or not to be, that is the question.\n" * 50


@pytest.fixture
def fresh_context():
    ssl_context.cache_clear()
    yield
    ssl_context.cache_clear()


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1: (cert.pem, key.pem)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.fixture
def https_server(certificate):
    cert, key = certificate
    server = LocalServer()
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server.httpd.socket = tls.wrap_socket(server.httpd.socket, server_side=True)
    server.add("/a.txt", body(DATA))
    with server:
        yield server.url("a.txt").replace("http://", "https://")


def test_https_uses_the_system_trust_store(fresh_context):
    import truststore
    context = ssl_context()
    assert isinstance(context, truststore.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert ssl_context() is context  # made once


@pytest.mark.parametrize("missing", [["truststore"], ["truststore", "certifi"]])
def test_without_truststore_certifi_or_the_default_checks_certificates(fresh_context, monkeypatch, missing):
    for name in missing:
        monkeypatch.setitem(sys.modules, name, None)  # import fails
    context = ssl_context()
    assert type(context) is ssl.SSLContext
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_a_certificate_the_system_does_not_trust_is_refused(fresh_context, https_server, tmp_path):
    with pytest.raises(DownloadError, match="the secure connection to 127.0.0.1 failed") as caught:
        fetch(https_server, tmp_path / "a.txt", label="a test text")
    assert caught.value.reason == "network" and not (tmp_path / "a.txt").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SSL_CERT_FILE adds to the trust store on Linux only")
def test_a_certificate_the_system_trusts_downloads(fresh_context, https_server, certificate, tmp_path, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # as if installed in the system's store
    assert fetch(https_server, tmp_path / "a.txt", label="a test text") == len(DATA)
    assert (tmp_path / "a.txt").read_bytes() == DATA
