"""Issue 13, case 5: a pack is anchored in the workspace history and can be signed with Ed25519."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from fixture_script import trust
from trust_support import cli, one_line_error


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return trust.small_workspace(tmp_path / "ws")


def _forge(pack: Path) -> None:
    """Edit result.json and write its new hash into manifest.json, as a careful forger would."""
    result = json.loads((pack / "result.json").read_text(encoding="utf-8"))
    result["run"]["organisation"] = "Forged Mutual"
    (pack / "result.json").write_text(json.dumps(result), encoding="utf-8")
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    manifest["outputs"]["result.json"] = hashlib.sha256((pack / "result.json").read_bytes()).hexdigest()
    (pack / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_assess_prints_and_records_the_manifest_digest(ws: Path) -> None:
    ran = cli("assess", ws)
    pack = next((ws / "reports").iterdir())
    digest = hashlib.sha256((pack / "manifest.json").read_bytes()).hexdigest()
    assert f"Manifest SHA-256: {digest}" in ran.stdout
    assert json.loads(cli("history", ws, "--json").stdout)[0]["manifest_sha256"] == digest
    ok = cli("verify-pack", pack)
    assert ok.code == 0
    assert f"history: manifest.json matches run 1 in the history of {ws.resolve()}" in ok.stdout


def test_a_forged_manifest_fails_against_the_history(ws: Path) -> None:
    cli("assess", ws)
    pack = next((ws / "reports").iterdir())
    _forge(pack)
    ran = cli("verify-pack", pack)
    assert ran.code == 4
    assert "FAILED" in ran.stdout and "manifest.json differs from the one recorded for run" in ran.stdout


def test_a_pack_moved_out_of_the_workspace_is_checked_with_workspace(ws: Path, tmp_path: Path) -> None:
    cli("assess", ws, "--out", tmp_path / "sent")
    _forge(tmp_path / "sent")
    assert cli("verify-pack", tmp_path / "sent").code == 0  # nothing to anchor it to: not anchored
    assert cli("verify-pack", tmp_path / "sent", "--workspace", ws).code == 4


def test_a_signed_pack_verifies_with_the_public_key_and_fails_when_forged(ws: Path, tmp_path: Path) -> None:
    key = tmp_path / "keys" / "signing.pem"
    made = cli("keygen", key)
    assert made.code == 0 and key.is_file() and Path(f"{key}.pub").is_file()
    assert key.stat().st_mode & 0o077 == 0
    assert cli("keygen", key).code == 2  # never overwritten
    out = tmp_path / "sent"
    assert cli("assess", ws, "--out", out, "--no-history", "--sign", key).code == 0
    assert (out / "manifest.sig").is_file()
    good = cli("verify-pack", out, "--key", f"{key}.pub")
    assert good.code == 0 and "signature: signature valid (key sha256:" in good.stdout
    _forge(out)
    bad = cli("verify-pack", out, "--key", f"{key}.pub")
    assert bad.code == 4 and "signature does not match" in bad.stdout


def test_another_key_or_no_signature_fails(ws: Path, tmp_path: Path) -> None:
    mine, theirs = tmp_path / "mine.pem", tmp_path / "theirs.pem"
    cli("keygen", mine)
    cli("keygen", theirs)
    cli("assess", ws, "--out", tmp_path / "signed", "--no-history", "--sign", mine)
    assert cli("verify-pack", tmp_path / "signed", "--key", f"{theirs}.pub").code == 4
    cli("assess", ws, "--out", tmp_path / "plain", "--no-history")
    unsigned = cli("verify-pack", tmp_path / "plain", "--key", f"{mine}.pub")
    assert unsigned.code == 4 and "not signed" in unsigned.stdout


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_a_key_made_with_openssl_signs_too(ws: Path, tmp_path: Path) -> None:
    """The documented alternative to keygen: openssl genpkey -algorithm ed25519."""
    key, pub = tmp_path / "k.pem", tmp_path / "k.pub"
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(key)], check=True, capture_output=True)
    subprocess.run(["openssl", "pkey", "-in", str(key), "-pubout", "-out", str(pub)], check=True, capture_output=True)
    assert cli("assess", ws, "--out", tmp_path / "p", "--no-history", "--sign", key).code == 0
    assert cli("verify-pack", tmp_path / "p", "--key", pub).code == 0


def test_a_file_that_is_no_key_is_a_usage_error_before_anything_is_written(ws: Path, tmp_path: Path) -> None:
    bad = tmp_path / "not-a-key.pem"
    bad.write_text("hello")
    ran = cli("assess", ws, "--out", tmp_path / "p", "--no-history", "--sign", bad)
    assert ran.code == 2 and f"{bad}: not a PEM private key" in one_line_error(ran)
    assert not (tmp_path / "p").exists()
