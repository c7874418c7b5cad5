"""The log file helps support without ever holding the user's API key."""

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from heygen_studio.logging_setup import REDACTED, redact, register_secret, setup_logging

KEY = "sk-live-0123456789abcdef-SECRET"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    path = setup_logging(tmp_path / "logs" / "app.log", to_stderr=False)
    yield path
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def read(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_registered_key_never_reaches_the_file(log_file: Path) -> None:
    register_secret(KEY)
    log = logging.getLogger("heygen_studio.test")
    log.info("using key %s", KEY)
    log.warning(f"inline {KEY} in the message")
    try:
        raise RuntimeError(f"request failed with key={KEY}")
    except RuntimeError:
        log.exception("upload failed")
    text = read(log_file)
    assert KEY not in text
    assert text.count(REDACTED) >= 3
    assert "RuntimeError: request failed" in text and "upload failed" in text


def test_key_headers_are_redacted_even_when_not_registered(log_file: Path) -> None:
    logging.getLogger("heygen_studio.test").info(
        "headers: {'X-Api-Key': 'unregistered-abc123', 'Accept': 'application/json'} X-Api-Key: other-xyz789"
    )
    text = read(log_file)
    assert "unregistered-abc123" not in text and "other-xyz789" not in text
    assert "application/json" in text


def test_redaction_is_stable_when_applied_twice() -> None:
    once = redact("X-Api-Key: abc123")
    assert once == f"X-Api-Key: {REDACTED}"
    assert redact(once) == once


def test_setting_up_twice_does_not_double_lines(log_file: Path) -> None:
    setup_logging(log_file, to_stderr=False)
    logging.getLogger("heygen_studio.test").info("only once")
    assert read(log_file).count("only once") == 1


def test_a_toy_key_does_not_garble_every_line() -> None:
    register_secret("k")
    assert redact("Traceback (most recent call last)") == "Traceback (most recent call last)"
