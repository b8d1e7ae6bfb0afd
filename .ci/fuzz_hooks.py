"""Schemathesis hooks for .ci/fuzz-api.sh.

A generated invitation code is never a real one, so every generated submission would stop at
the code look-up (404) and the answer checks behind it would go untested. This hook puts a real
code of the demo cycle (from the CSV `ddci invite` wrote, path in DDCI_FUZZ_CODES) into each
generated body: the fuzzer then reaches validation, storage and the used-code path (409).
"""

import csv
import itertools
import os
import threading

import schemathesis

_lock = threading.Lock()
_codes = None


def _next_code():
    global _codes
    with _lock:
        if _codes is None:
            with open(os.environ["DDCI_FUZZ_CODES"], newline="", encoding="utf-8-sig") as f:
                _codes = itertools.cycle([row["code"] for row in csv.DictReader(f)])
        return next(_codes)


@schemathesis.hook
def map_body(context, body):
    operation = context.operation
    if (
        operation is not None
        and operation.path.endswith("/responses")
        and isinstance(body, dict)
        and "code" in body
    ):
        return {**body, "code": _next_code()}
    return body
