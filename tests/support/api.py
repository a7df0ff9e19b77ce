"""The API as a client sees it: a JSON client, the one error format, query counts."""

import json
from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

TODAY = date.today()


class Api:
    """A JSON client for one user."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **params):
        return self.client.get(url, params)

    def send(self, method, url, data, **headers):
        body = data if isinstance(data, str | bytes) else json.dumps(data)
        return getattr(self.client, method)(
            url, body, content_type="application/json", headers=headers
        )

    def post(self, url, data, **headers):
        return self.send("post", url, data, **headers)

    def patch(self, url, data, **headers):
        return self.send("patch", url, data, **headers)

    def put(self, url, data, **headers):
        return self.send("put", url, data, **headers)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def is_error(response, status: int, code: str | None = None) -> dict:
    """The one error format: detail, code and fields, nothing else."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "fields"}
    assert body["detail"]
    if code is not None:
        assert body["code"] == code
    return body


def queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def placement_data(world, **overrides) -> dict:
    return {
        "enrollment": world.enrollment.pk,
        "worksite": world.other_worksite.pk,
        "type": "praksis",
        "field": "kjokken",
        "starts_on": (TODAY + timedelta(days=70)).isoformat(),
        "schedule_days": "024",
        "hours_per_day": "4.50",
        **overrides,
    }
