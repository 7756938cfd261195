"""Engine overhead of the LLM customer: from "rep turn final" to "first complete customer
sentence available", minus the server's fixed time to first token.

Runs a real conversation engine with the OpenAI adapter against the test suite's
OpenAI-compatible server (real sockets, SSE) whose time to first token is fixed, over N turns.

    python3 bench/llm_overhead_bench.py [--turns 50] [--ttft 0.3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from roleplay.adapters.clock import SystemClock  # noqa: E402
from roleplay.adapters.llm_customer import LlmCustomer  # noqa: E402
from roleplay.adapters.openai_llm import LlmClient, LlmConfig  # noqa: E402
from roleplay.composition import build  # noqa: E402
from roleplay.config import Settings  # noqa: E402
from roleplay.services.engine import CallState  # noqa: E402
from roleplay.services.ports import Sentence  # noqa: E402
from tests.fake_openai import FakeOpenAI, Reply  # noqa: E402

REPLY = "Sure, tell me more. We run about forty trucks out of two depots, so it matters."


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=50)
    parser.add_argument("--ttft", type=float, default=0.3, help="server time to first token, s")
    args = parser.parse_args()

    server = FakeOpenAI().start()
    server.default = Reply(REPLY, chunk_size=20, first_token_delay=args.ttft)
    tmp = Path(tempfile.mkdtemp())
    ws = tmp / "ws"
    (ws / "recordings").mkdir(parents=True)
    for kind in ("scenarios", "rubrics"):
        (ws / kind).symlink_to(REPO / "tests" / "data" / "valid" / kind)
    services = build(ws, settings=Settings(rep="bench"), clock=SystemClock())
    llm = LlmClient(LlmConfig(base_url=server.url, api_key=None, model="test-model"))
    overheads: list[float] = []
    print(f"{args.turns} turns, server time to first token {args.ttft * 1000:.0f} ms", flush=True)
    while len(overheads) < args.turns:
        call = services.practice.begin("mini", services.profile(), seed=1)
        call.switch_customer(LlmCustomer(llm))
        list(call.start())
        while call.state is CallState.AWAITING_REP and len(overheads) < args.turns:
            started = time.perf_counter()
            first: float | None = None
            for event in call.rep_says("Tell me about your routes."):
                if isinstance(event, Sentence) and first is None:
                    first = time.perf_counter()
            assert first is not None
            overheads.append((first - started - args.ttft) * 1000)
            if len(call.turns) > 30:
                call.end()
        print(f"  {len(overheads)}/{args.turns} turns", flush=True)
    server.stop()
    print(
        f"engine overhead to first sentence: p50 {statistics.median(overheads):.1f} ms, "
        f"p95 {percentile(overheads, 0.95):.1f} ms, max {max(overheads):.1f} ms "
        f"(target: p50 under 20 ms)"
    )


if __name__ == "__main__":
    main()
