"""The coverage report's worker task: stored texts in (YAML or JSON), the report out."""

from __future__ import annotations

import json
import pickle

from broker.domain.coverage_points import Pact
from broker.domain.governance import Mode
from broker.services.coverage import CoverageFacts, Documents, coverage_task

YAML = b"""openapi: 3.0.3
info: {title: Orders, version: '1'}
paths:
  /orders/{id}:
    get:
      operationId: getOrder
      responses:
        '200': {description: ok}
        '404': {description: none}
"""


def test_a_yaml_document_and_pact_texts_give_the_points() -> None:
    web = json.dumps(
        {
            "interactions": [
                {"description": "one", "request": {"method": "GET", "path": "/orders/7"}}
            ]
        }
    )
    facts = CoverageFacts(
        pacticipant="Orders",
        version="1",
        mode=Mode.GREENFIELD,
        environment=None,
        baseline_version=None,
        documents=Documents(
            own=[],
            consumers=[
                Pact(consumer="Web", provider="Orders", document=web),
                Pact(consumer="Bad", provider="Orders", document="{not json"),
            ],
            openapi=YAML.decode(),
        ),
        baseline_documents=None,
        runs=[],
        verified=[],
    )
    # What crosses to a worker process and back must pickle.
    found = pickle.loads(pickle.dumps(coverage_task(pickle.loads(pickle.dumps(facts)))))
    [point] = found.points
    assert (point.point.name, point.point.consumers) == ("GET /orders/{id}", ("Web",))
    assert point.missing == ("not found",)
    assert found.gaps == ("GET /orders/{id}: not found never tested",)
