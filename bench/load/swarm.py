"""Ramps Locust's users against one server, stage by stage, and prints each stage's figures as a
line of JSON (bench/load/run.py reads them). Locust patches the standard library for gevent when
imported, so this runs in a process of its own.

    python bench/load/swarm.py http://127.0.0.1:8190 --stages 25,50,100 --seconds 10
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import gevent
from locust.env import Environment

sys.path.insert(0, str(Path(__file__).resolve().parent))
from journey import Participant, Reader  # noqa: E402

P95_LIMIT_MS = 500


def figures(stats, seconds: float) -> dict:
    def of(entry) -> dict:
        return {"requests": entry.num_requests, "per_second": entry.num_requests / seconds,
                "p50": entry.get_response_time_percentile(0.5), "p95": entry.get_response_time_percentile(0.95),
                "p99": entry.get_response_time_percentile(0.99), "errors": entry.num_failures}

    return {"total": of(stats.total), "pages": {name: of(entry) for (name, _method), entry in sorted(stats.entries.items())},
            "errors": [f"{error.name}: {error.error} x{error.occurrences}" for error in stats.errors.values()][:5]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("host")
    parser.add_argument("--stages", default="25,50,100,200,400,800,1600")
    parser.add_argument("--seconds", type=float, default=10, help="how long each stage is measured")
    args = parser.parse_args()

    environment = Environment(user_classes=[Reader, Participant], host=args.host)
    runner = environment.create_local_runner()
    for users in (int(count) for count in args.stages.split(",")):
        runner.start(users, spawn_rate=max(20, users / 3))
        deadline = time.monotonic() + 120
        while runner.user_count < users and time.monotonic() < deadline:
            gevent.sleep(0.5)
        gevent.sleep(3)  # the new users' sign-ins and first pages are behind them
        environment.stats.reset_all()
        started = time.monotonic()
        gevent.sleep(args.seconds)
        stage = {"users": users, **figures(environment.stats, time.monotonic() - started)}
        print(json.dumps(stage), flush=True)
        total = stage["total"]
        if total["errors"] or total["p95"] > P95_LIMIT_MS:
            break
    runner.quit()


if __name__ == "__main__":
    main()
