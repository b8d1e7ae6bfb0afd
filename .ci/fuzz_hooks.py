"""Schemathesis hooks for .ci/fuzz-api.sh.

Generated strings are never real invitation codes, unit codes or question codes, so every
generated submission would stop at the code look-up (404) or at the first unknown name (422),
and the checks of the values behind them would go untested. This hook keeps the generated shape
and values but puts real names in: an invitation code of the demo cycle (from the CSV
`ddci invite` wrote, path in DDCI_FUZZ_CODES), and units, questions and profile questions of
the cycle's questionnaire (fetched from DDCI_FUZZ_QUESTIONNAIRE). Values stay as generated, so
the answer checks see odd numbers, nulls and strings; some submissions are valid and stored,
and later ones with the same code meet the used-code path (409).
"""

import csv
import itertools
import json
import os
import threading
import urllib.request

import schemathesis

_lock = threading.Lock()
_codes = None
_questionnaire = None


def _next_code():
    global _codes
    with _lock:
        if _codes is None:
            with open(os.environ["DDCI_FUZZ_CODES"], newline="", encoding="utf-8-sig") as f:
                _codes = itertools.cycle([row["code"] for row in csv.DictReader(f)])
        return next(_codes)


def _catalog():
    global _questionnaire
    with _lock:
        if _questionnaire is None:
            with urllib.request.urlopen(os.environ["DDCI_FUZZ_QUESTIONNAIRE"]) as r:
                _questionnaire = json.load(r)
        return _questionnaire


def _pick(items, i):
    return items[i % len(items)]


def _real_evaluation(q, i, evaluation):
    """The generated evaluation with a real unit and that unit's question codes as keys."""
    if not isinstance(evaluation, dict):
        return evaluation
    unit = _pick(q["units"], i)
    out = {**evaluation, "unit_code": unit["code"]}
    answers = evaluation.get("answers")
    if isinstance(answers, dict):
        questions = [x["code"] for x in q["questions"] if x["kind"] == unit["kind"]]
        out["answers"] = {_pick(questions, k): v for k, v in enumerate(answers.values())}
    return out


@schemathesis.hook
def map_body(context, body):
    operation = context.operation
    if operation is None or not operation.path.endswith("/responses"):
        return body
    if not isinstance(body, dict):
        return body
    body = {**body, "code": _next_code()}
    q = _catalog()
    if isinstance(body.get("profile"), dict):
        body["profile"] = {
            _pick(q["profile"], k)["code"]: v for k, v in enumerate(body["profile"].values())
        }
    if isinstance(body.get("evaluations"), list):
        body["evaluations"] = [
            _real_evaluation(q, i, e) for i, e in enumerate(body["evaluations"])
        ]
    return body
