#!/usr/bin/env python3
"""The benchmark: dynamo-explorer against boto3 and the aws CLI on Amazon DynamoDB Local, with
a wide-area network in the way (part 1), against simulated throughput limits (part 2), and on
its embedded engine. Run it through benches/run (which builds ours and the delay proxy,
installs boto3 and the aws CLI, and starts DynamoDB Local); see benches/README.md.

Every tool run is a whole process, timed from outside (start-up included, the same for every
tool); items come from the tool's own output. The parts live in benches/bench/.
"""
import argparse
import sys
import time

from bench.limits import run_limits
from bench.procs import ToolFailed
from bench.report import Results, Targets
from bench.wan import run_delays, run_embedded

PARTS = ("delay", "embedded", "limits")
FULL = {
    "delays": [0, 10, 45],
    "concurrencies": [1, 2, 4, 8, 16, 32, 64, 128],
    "parallels": [1, 2, 4, 8, 16],
    "limit_seconds": 20,
}
# A smoke run: every part and table once, in a few minutes (45 ms at --concurrency 1 alone
# would take about 40 s).
QUICK = {"delays": [0, 45], "concurrencies": [4, 16, 64], "parallels": [1, 4, 16], "limit_seconds": 6}


def int_list(text):
    return [int(x) for x in text.split(",") if x.strip()]


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="dynamo-explorer (release build)")
    ap.add_argument("--python", required=True, help="a Python with boto3 (the venv's)")
    ap.add_argument("--aws", required=True, help="the aws CLI (the venv's)")
    ap.add_argument("--proxy", required=True, help="benches/delay-proxy's binary")
    ap.add_argument("--endpoint", required=True, help="DynamoDB Local")
    ap.add_argument("--workdir", required=True, help="scratch directory (embedded databases)")
    ap.add_argument("--reps", type=int, default=3, help="runs per tool and workload (medians)")
    ap.add_argument("--delays", type=int_list, help="one-way delays in ms, 0: direct (default: 0,10,45)")
    ap.add_argument("--concurrencies", type=int_list, help="W1 scaling (default: 1,2,4,...,128)")
    ap.add_argument("--parallels", type=int_list, help="W3 scaling (default: 1,2,4,8,16)")
    ap.add_argument(
        "--limits-model",
        action="append",
        dest="limit_models",
        help="a --limits model for part 2 (repeat; default: provisioned:1000,500 and on-demand)",
    )
    ap.add_argument("--limit-reps", type=int, default=1, help="runs per tool in part 2")
    ap.add_argument("--limit-seconds", type=int, help="seconds of writing at the limit in part 2 (default: 20)")
    ap.add_argument("--only", help=f"comma-separated parts to run: {', '.join(PARTS)} (default: all)")
    ap.add_argument(
        "--quick",
        action="store_true",
        help="smoke run in a few minutes: 1 rep, delays 0 and 45, a short scaling, 6 s at each limit"
        " (flags given explicitly still win, except --reps)",
    )
    a = ap.parse_args()
    a.limit_models = a.limit_models or ["provisioned:1000,500", "on-demand"]
    a.parts = a.only.split(",") if a.only else list(PARTS)
    unknown = [p for p in a.parts if p not in PARTS]
    if unknown:
        ap.error(f"--only: unknown part(s) {', '.join(unknown)}; the parts are {', '.join(PARTS)}")
    # benches/run always passes --reps (from REPS), so --quick overrides it; other flags given
    # explicitly win over both sets of defaults.
    defaults = QUICK if a.quick else FULL
    if a.quick:
        a.reps, a.limit_reps = 1, 1
    for key, value in defaults.items():
        if getattr(a, key) is None:
            setattr(a, key, value)
    if a.reps < 1 or a.limit_reps < 1:
        ap.error("--reps and --limit-reps must be at least 1")
    return a


def main():
    cfg = parse_args()
    started = time.monotonic()
    res, targets = Results(), Targets()
    try:
        if "delay" in cfg.parts:
            run_delays(cfg, res, targets)
        if "embedded" in cfg.parts:
            run_embedded(cfg, res, targets)
        if "limits" in cfg.parts:
            run_limits(cfg, res, targets)
    except ToolFailed as e:
        # A tool that fails makes every figure after it meaningless: stop, saying which.
        targets.print("targets measured before the failure")
        sys.exit(f"benchmark stopped: {e}")
    targets.print()
    print(f"\nbenchmark took {(time.monotonic() - started) / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
