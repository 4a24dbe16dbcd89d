"""Official paper (公文样式的打印件): one page frame for every printed document, citations kept off the paper unless
the user asks for the appendix, and the PDF printed by the system's headless Chromium (no network, no bundled engine).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from datetime import datetime
from html import escape
from pathlib import Path

from fastapi import Response

from yingji.core.clock import to_local
from yingji.core.errors import Unavailable

PDF_TIMEOUT_S = 60
PLATFORM = "应急 Yingji 安全生产监管与应急管理平台"
# Chinese fonts, the official FangSong first where installed; WenQuanYi is what a plain Debian host has.
FONTS = (
    "'FangSong','仿宋','STFangsong','Noto Serif CJK SC','Source Han Serif SC','Noto Sans CJK SC',"
    "'Source Han Sans SC','WenQuanYi Zen Hei',serif"
)
# A seed line reference (001#L2192, 000#L1215-L1219) belongs in the appendix, never on the paper itself.
SEED_REF = re.compile(r"\s*[（(]?\s*\d{3}#L\d+(?:-L?\d+)?\s*[)）]?")
PDF_TYPE = "application/pdf"
HTML_TYPE = "text/html; charset=utf-8"
# For the OpenAPI document: these answers are documents, not JSON.
DOCUMENT_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "可打印的文书（HTML 或 PDF）", "content": {"text/html": {}, PDF_TYPE: {}}}
}


def local_time(value: datetime | None) -> str:
    return "不详" if value is None else to_local(value).strftime("%Y年%m月%d日 %H时%M分")


def clean(text: object, replacements: Mapping[str, str] | None = None) -> str:
    """Text for the paper: seed references dropped, codes (plan ids …) replaced by their names; escaped."""
    out = SEED_REF.sub("", str(text))
    for code, name in (replacements or {}).items():
        out = out.replace(code, name)
    return escape(out)


def style(printed: str) -> str:
    """A4 page, the footer in the page margin (platform, print time, page of pages) and the forms' table frame."""
    footer = escape(f"{PLATFORM} · 打印时间 {printed}（北京时间）").replace('"', "")
    return (
        f'@page{{size:A4;margin:22mm 20mm 24mm;@bottom-center{{content:"{footer} · 第 " counter(page) " 页 / 共 "'
        ' counter(pages) " 页";font-size:8pt;color:#444}}'
        f"body{{font-family:{FONTS};color:#000;margin:2em auto;max-width:190mm;font-size:12pt;line-height:1.6}}"
        "h1{font-size:20pt;text-align:center;letter-spacing:.2em;margin:.2em 0}"
        ".kind{text-align:center;font-size:14pt;margin:0 0 .8em}"
        "h2{font-size:13pt;margin:1.2em 0 .4em}"
        "table{border-collapse:collapse;width:100%;margin:.4em 0 1em}"
        "th,td{border:1px solid #000;padding:5px 7px;vertical-align:top;text-align:left}"
        "th{width:7em;font-weight:normal;background:#f2f2f2;white-space:nowrap}"
        ".sign td{height:3em}.blank{display:inline-block;min-width:10em;border-bottom:1px solid #000}"
        ".late{color:#b00;font-weight:bold}.note{font-size:10pt;color:#333}"
        ".appendix{page-break-before:always}.appendix td,.appendix th{font-size:10pt}"
        "footer.screen{margin-top:2em;font-size:9pt;color:#555;border-top:1px solid #999}"
        "@media print{body{margin:0;max-width:none}footer.screen{display:none}}"
    )


def page(*, title: str, printed: str, body: str) -> str:
    """The whole self-contained page; ``body`` is already escaped HTML."""
    return (
        f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{style(printed)}</style></head><body>{body}"
        f"<footer class='screen'>{escape(PLATFORM)} · 打印时间 {escape(printed)}（北京时间）</footer></body></html>"
    )


def rows(pairs: Iterable[tuple[str, str]]) -> str:
    """A two-column form table; values are already escaped HTML."""
    return "<table>" + "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in pairs) + "</table>"


def table(head: list[str], body: list[list[str]]) -> str:
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    cells = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in body)
    return f"<table><tr>{header}</tr>{cells}</table>"


BLANK = "<span class='blank'>&nbsp;</span>"  # a line the signer fills in by hand


def find_chromium(configured: str | None) -> str | None:
    """The configured binary (Settings.chromium), else Chromium on PATH."""
    return configured or shutil.which("chromium") or shutil.which("chromium-browser")


def pdf(html: str, chromium: str | None = None) -> bytes:
    """Print the HTML with headless Chromium (installed with the system; no network, a throwaway profile)."""
    binary = find_chromium(chromium)
    if binary is None:
        raise Unavailable(reason="未安装 Chromium，无法生成 PDF；请使用 HTML（在浏览器中打印）或其他格式")
    with tempfile.TemporaryDirectory(prefix="yingji-pdf-") as folder:
        source, target = Path(folder) / "document.html", Path(folder) / "document.pdf"
        source.write_text(html, encoding="utf-8")
        command = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={folder}/profile",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=PDF_TIMEOUT_S)
        except (subprocess.SubprocessError, OSError) as err:
            raise Unavailable(reason=f"Chromium 生成 PDF 失败：{type(err).__name__}") from err
        return target.read_bytes()


def answer(html: str, fmt: str, name: str, *, chromium: str | None) -> Response:
    """The document as HTML, or as a PDF printed from the same HTML (``name`` without extension, ASCII)."""
    if fmt == "pdf":
        return Response(
            pdf(html, chromium),
            media_type=PDF_TYPE,
            headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
        )
    return Response(html, media_type=HTML_TYPE)
