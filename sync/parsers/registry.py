"""Every known report format, in detection order (the most specific first)."""

from __future__ import annotations

import logging

from sync.parsers import (
    fio,
    gbench,
    generic_csv,
    generic_json,
    hyperfine,
    jmeter_log,
    jtl_csv,
    jtl_xml,
    junit,
    k6,
    locust,
    pkb,
    pkb_log,
    pytest_benchmark,
    rally,
    sysbench,
    taurus_csv,
    taurus_xml,
    wrk,
)
from sync.parsers.base import Format

log = logging.getLogger(__name__)

# Detection tries these in order; a format whose sniffer also accepts another's files comes later.
ORDER: tuple[Format, ...] = (
    pkb.FORMAT,
    fio.FORMAT,
    rally.FORMAT,
    pytest_benchmark.FORMAT,
    gbench.FORMAT,
    hyperfine.JSON_FORMAT,
    k6.FORMAT,
    jtl_xml.FORMAT,
    taurus_xml.FORMAT,
    junit.FORMAT,
    taurus_csv.FORMAT,
    locust.FORMAT,
    hyperfine.CSV_FORMAT,
    jtl_csv.FORMAT,
    wrk.FORMAT,
    pkb_log.FORMAT,
    sysbench.FORMAT,
    jmeter_log.FORMAT,
    generic_json.FORMAT,
    generic_csv.FORMAT,
)
