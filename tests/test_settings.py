from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth.hashers import Argon2PasswordHasher

from guanxi import settings as product_settings


def test_passwords_are_hashed_with_argon2() -> None:
    assert product_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    hasher = Argon2PasswordHasher()
    hashed = hasher.encode("guanxi-demo", hasher.salt())
    assert hashed.startswith("argon2$")
    assert hasher.verify("guanxi-demo", hashed)


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "GUANXI_DATA_DIR": str(tmp_path),
        "GUANXI_HTTPS": "1",
        "DEBUG": "0",
        "SECRET_KEY": "k3y-" + "x9Qz" * 16,
        "ALLOWED_HOSTS": "crm.example.com",
        "GUANXI_PLAIN_STATIC": "0",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-m", "guanxi.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_demo_keeps_a_generated_secret_key(tmp_path: Path) -> None:
    env = {**os.environ, "GUANXI_DATA_DIR": str(tmp_path)}
    env.pop("SECRET_KEY", None)
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    run = [
        sys.executable,
        "-c",
        f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
        f"'guanxi.settings'; django.setup(); {code}",
    ]
    first = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout
    second = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout
    assert first == second
    assert len(first.strip()) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
