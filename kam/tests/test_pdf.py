"""Every PDF's fetcher: our static files and data: URIs, nothing else."""

from __future__ import annotations

import pytest

from kam import pdf as pdf_floor


def test_fetcher_refuses_remote_and_local_files_outside_static():
    fetcher = pdf_floor.local_url_fetcher_class()()
    for url in (
        "http://evil.example/x.png",
        "file:///etc/passwd",
        pdf_floor.BASE_URL + "static/../../settings.py",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"
    assert b"@page" in fetcher.fetch(pdf_floor.BASE_URL + "static/css/plan_pdf.css").read()
