"""Every known report format, in detection order (the most specific first)."""

from __future__ import annotations

import logging

from sync.parsers import generic_csv, generic_json, jtl_csv, jtl_xml, pkb
from sync.parsers.base import Format

log = logging.getLogger(__name__)

# Detection tries these in order; a format that claims files of another is listed after it.
ORDER: tuple[Format, ...] = (
    pkb.FORMAT,
    jtl_xml.FORMAT,
    jtl_csv.FORMAT,
    generic_json.FORMAT,
    generic_csv.FORMAT,
)
