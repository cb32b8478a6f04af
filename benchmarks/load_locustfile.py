"""The people `lde bench load` sends at the two web instances: read by locust, never imported.

locust runs this file in its own process (`python -m locust -f benchmarks/load_locustfile.py`),
where gevent has patched the standard library; nothing else imports it, so that the patching
never reaches the bench process or the tests. The plan (`LDE_LOAD_PLAN`, a JSON file written by
`benchmarks/load.py`) holds the two instances' addresses and the people: each a role, a session
cookie or an API token, and the pages and API reads that role opens.

Each simulated person takes the next persona and the next instance in turn (so the 50 are split
evenly across both), then opens one of its pages after another with a pause between, as a person
reading them would. Only a 200 counts as a success: redirects are not followed, so a session that
stopped working (a redirect to sign-in) is an error, not a quick page.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

PLAN: dict[str, Any] = json.loads(Path(os.environ["LDE_LOAD_PLAN"]).read_text(encoding="utf-8"))
_taken = itertools.count()


class Person(FastHttpUser):
    wait_time = between(PLAN["wait_min_s"], PLAN["wait_max_s"])
    host = PLAN["hosts"][0]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        number = next(_taken)
        # The instance is chosen before the client is made: FastHttpUser binds it to `host`.
        self.host = PLAN["hosts"][number % len(PLAN["hosts"])]
        self.persona = PLAN["personas"][number % len(PLAN["personas"])]
        super().__init__(*args, **kwargs)
        self.random = random.Random(f"load:{number}")

    @task
    def read(self) -> None:
        page = self.random.choice(self.persona["pages"])
        # The load balancer ends TLS and says so, as config.settings.production expects.
        headers = {"X-Forwarded-Proto": "https", "User-Agent": PLAN["user_agent"]}
        if page["api"]:
            headers["Authorization"] = f"Bearer {self.persona['token']}"
        else:
            headers["Cookie"] = self.persona["cookie"]
        with self.client.get(
            page["path"],
            name=page["name"],
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} from {page['path']}")
