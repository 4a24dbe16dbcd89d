"""`yingji audit` as real processes on a fresh SQLite file: the key made at install, checkpoints after each
command, rotation, a rewind found, and a lost key file reported clearly (never a traceback)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "YINGJI_DATABASE_URL": "",
        "YINGJI_NEW_PASSWORD": "a-long-enough-password",
    }
    return subprocess.run(
        [sys.executable, "-m", "yingji", *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_keyed_chain_through_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "data" / "yingji"
    key_file, checkpoint = data / "audit.key", data / "audit-checkpoint.json"
    installed = run("db", "upgrade", tmp_path=tmp_path)
    assert installed.returncode == 0 and "已创建审计签名密钥文件" in installed.stdout, installed.stderr
    assert key_file.stat().st_mode & 0o777 == 0o600
    made = run("users", "add", "admin_a", "--role", "admin", "--display-name", "管理员", tmp_path=tmp_path)
    assert made.returncode == 0, made.stderr
    assert json.loads(checkpoint.read_text())["seq"] == 1  # written after the command's commit
    rotated = run("audit", "rotate-key", tmp_path=tmp_path)  # its own entry is the first with the new key
    assert rotated.returncode == 0 and "已轮换审计密钥" in rotated.stdout, rotated.stderr
    assert len(json.loads(key_file.read_text())["keys"]) == 2
    ok = run("audit", "verify", tmp_path=tmp_path)
    assert ok.returncode == 0 and "签名部分自第 1 条起" in ok.stdout and "与检查点（第 2 条）一致" in ok.stdout

    with sqlite3.connect(data / "yingji.sqlite3") as connection:  # someone with the database file rewinds the tail
        for trigger in ("audit_log_no_delete", "audit_head_no_rewind"):
            connection.execute(f"DROP TRIGGER {trigger}")
        connection.execute("DELETE FROM audit_log WHERE seq = 2")
        connection.execute("UPDATE audit_head SET seq = 1, hash = (SELECT hash FROM audit_log WHERE seq = 1)")
    rewound = run("audit", "verify", tmp_path=tmp_path)
    assert rewound.returncode == 1 and "最后一条为第 1 条，落后于检查点" in rewound.stderr

    key_file.unlink()
    lost = run("audit", "verify", tmp_path=tmp_path)
    assert lost.returncode == 1 and "Traceback" not in lost.stderr
    assert f"审计密钥文件不可用：{key_file} 不存在" in lost.stderr
    refused = run("db", "upgrade", tmp_path=tmp_path)  # serve does the same at start
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert json.loads(refused.stderr)["error"]["code"] == "audit_key_unavailable"
    assert not key_file.exists()
    replaced = run("audit", "keygen", "--replace-lost", tmp_path=tmp_path)
    assert replaced.returncode == 0 and key_file.exists(), replaced.stderr
    unverifiable = run("audit", "verify", tmp_path=tmp_path).stderr
    assert "第 1 条的签名密钥" in unverifiable and "不在密钥文件中" in unverifiable
