"""Part 2: riding the limit. W1 (one request: one partition key) and W2 (one-record requests:
many keys) written for at least 20 s against a fresh `dynamo-explorer --memory --limits MODEL
serve` per run (the simulated limits of src/limits/, in front of the embedded engine), by ours
and by boto3 with 8 threads and botocore's standard retry mode. At exit serve prints what it
throttled, second by second; from that: achieved WCU/s, steady-state WCU/s (the seconds after
the first 3 until the last full one), the most in one second, and throttled and cut calls per
second in steady state (cut: a batch call that handed some items back unprocessed).
"""
import json
import math
import statistics
import uuid

from .procs import Server
from .report import ratio_text
from .tools import Boto3, Ours

# DynamoDB's numbers as src/limits/config.rs models them (PARTITION_WRITE_UNITS: one partition
# key takes at most 1,000 WCU/s; ON_DEMAND_WRITE_UNITS: a new on-demand table serves 4,000
# WCU/s), from the AWS developer guide pages cited there.
PARTITION_WRITE_UNITS = 1_000
ON_DEMAND_WRITE_UNITS = 4_000
# A record of the benchmark (200-byte payload, about 300 bytes in all) is under 1 KB: 1 WCU.
WCU_PER_RECORD = 1
# Seconds of the run before the steady state: burst spent, the tools' ramps done.
SETTLE_SECONDS = 3
# Goals (issue 15, part 2).
STEADY_GOAL = 0.9
ACHIEVED_GOAL = 1.2
REFUSED_CALLS_GOAL = 1 / 3


def table_write_limit(model):
    """The table's write units per second under a --limits model."""
    if model == "on-demand":
        return ON_DEMAND_WRITE_UNITS
    rates = model.removeprefix("provisioned:").split(",")
    return int(rates[1])


def binding_limit(model, workload):
    """W1 writes one partition key, so the lower of the table's and a key's limit binds; W2
    spreads over as many keys as records, so only the table's does."""
    table = table_write_limit(model)
    return min(table, PARTITION_WRITE_UNITS) if workload == "W1" else table


def records_for(limit, seconds):
    """Enough records to write for `seconds` at the limit, past the fresh table's one second
    banked and one spare second."""
    return limit * (seconds + 2) // WCU_PER_RECORD


def parse_stats(out):
    """serve's JSON at exit (the last line that parses as an object), or None if it printed none."""
    for line in reversed(out.strip().splitlines()):
        try:
            o = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(o, dict) and "per_second" in o:
            return o
    return None


def analyse(stats, limit, wall):
    """The figures of one run from serve's per-second statistics."""
    per = {p["second"]: p for p in stats["per_second"]}
    writing = [s for s, p in per.items() if p.get("write_units", 0) > 0]
    if not writing:
        return None
    first, last = min(writing), max(s for s, p in per.items() if p.get("calls", 0) > 0)
    seconds = range(first, last + 1)

    def get(s, key):
        return per.get(s, {}).get(key, 0)

    units = [get(s, "write_units") for s in seconds]
    # Steady state: after the first seconds, up to the last full second (the last one is partial).
    steady = range(first + SETTLE_SECONDS, last)
    total = sum(units)
    cumulative, excess = 0.0, float("-inf")
    for i, u in enumerate(units):
        cumulative += u
        excess = max(excess, cumulative - limit * (i + 1))

    def steady_mean(key):
        return statistics.mean(get(s, key) for s in steady) if len(steady) else float("nan")

    return {
        "achieved": total / wall,
        "steady": steady_mean("write_units"),
        "max_second": max(units),
        "steady_throttled": steady_mean("throttled_calls"),
        "steady_cut": steady_mean("cut_calls"),
        "refused_calls": sum(get(s, "throttled_calls") + get(s, "cut_calls") for s in seconds),
        "excess": excess,
        "series": units,
    }


def one_run(cfg, model, workload, tool, n):
    """One fresh server, one tool run against it; returns the run's figures."""
    server = Server(cfg.bin, model)
    try:
        table = f"ride_{uuid.uuid4().hex[:8]}"
        if tool == "ours":
            ours = Ours(cfg.bin, ["--endpoint", server.url])
            if workload == "W1":
                _, s = ours.generate(table, 1, n)
            else:
                _, s = ours.generate(table, n, 1)
        else:
            # boto3 needs the table to exist; ours creates it (set-up, before the clock starts).
            Ours(cfg.bin, ["--endpoint", server.url]).create(table)
            boto = Boto3(cfg.python, server.url, retries="standard")
            s = boto.w1_threads(table, records=n) if workload == "W1" else boto.w2_threads(table, requests=n)
    finally:
        out, err = server.stop()
    stats = parse_stats(out)
    limit = binding_limit(model, workload)
    figures = analyse(stats, limit, s["wall"]) if stats else None
    run = {"sample": s, "stats": stats, "figures": figures}
    if figures:
        series = " ".join(f"{u:.0f}" for u in figures["series"][:40])
        print(
            f"  {model} {workload} {tool:<19} {s['items']:>6} items {s['wall']:6.1f} s"
            f"  achieved {figures['achieved']:6.0f} WCU/s steady {figures['steady']:6.0f}"
            f" max {figures['max_second']:5.0f}  throttled {figures['steady_throttled']:.1f}/s"
            f" cut {figures['steady_cut']:.1f}/s\n    WCU per second: {series}",
            flush=True,
        )
    else:
        report = s.get("report") or {}
        print(
            f"  {model} {workload} {tool:<19} {s['items']:>6} items {s['wall']:6.1f} s"
            f"  {s['items'] * WCU_PER_RECORD / s['wall']:6.0f} WCU/s (whole process)"
            f"  serve printed no statistics (stdout {out.strip()[:80]!r})"
            + (f"; ours says throttled {report.get('throttled')}, resent {report.get('unprocessed_resent')}" if report else ""),
            flush=True,
        )
    return run


def run_limits(cfg, res, targets):
    print(
        f"riding the limit: {cfg.limit_seconds} s or more at each limit, {cfg.limit_reps} run(s) each"
        " (limits simulated by serve --limits in front of the embedded engine, a fresh server per run)",
        flush=True,
    )
    tools = ["ours", "boto3 8 threads std"]
    rows = []
    # Which tool goes first alternates from one pair of runs to the next, across workloads and
    # models too, so that with one rep each tool still goes first half the time.
    turn = 0
    for model in cfg.limit_models:
        for workload in ("W1", "W2"):
            limit = binding_limit(model, workload)
            n = records_for(limit, cfg.limit_seconds)
            runs = {t: [] for t in tools}
            for _ in range(cfg.limit_reps):
                order = tools[turn % 2 :] + tools[: turn % 2]
                turn += 1
                for tool in order:
                    runs[tool].append(one_run(cfg, model, workload, tool, n))
            rows.append((model, workload, limit, n, runs))
            check(targets, model, workload, limit, runs)
    print_table(rows)


def med(runs, key):
    vals = [r["figures"][key] for r in runs if r["figures"]]
    return statistics.median(vals) if vals else None


def check(targets, model, workload, limit, runs):
    where = f"{workload} under {model} ({limit:,} WCU/s binds)"
    ours, boto = runs["ours"], runs["boto3 8 threads std"]
    steady = med(ours, "steady")
    if steady is None:
        targets.add(f"{where}: ours steady WCU/s", "not measured: serve printed no statistics", f">= {STEADY_GOAL} x limit", False)
        return
    shown = "no steady state (run too short)" if math.isnan(steady) else f"{steady:,.0f}"
    targets.add(f"{where}: ours steady WCU/s", shown, f">= {STEADY_GOAL * limit:,.0f}", steady >= STEADY_GOAL * limit)
    excess = max(r["figures"]["excess"] for r in ours if r["figures"])
    targets.add(
        f"{where}: ours cumulative WCU above limit x seconds",
        f"at most {excess:,.0f}",
        f"<= {limit:,} (one second of burst)",
        excess <= limit,
    )
    o, b = med(ours, "achieved"), med(boto, "achieved")
    if b:
        targets.add(f"{where}: achieved WCU/s vs boto3 std retries", f"{ratio_text(o / b, ACHIEVED_GOAL)} ({o:,.0f} vs {b:,.0f})", f">= {ACHIEVED_GOAL}x", o / b >= ACHIEVED_GOAL)
    ro, rb = med(ours, "refused_calls"), med(boto, "refused_calls")
    if rb is not None:
        targets.add(
            f"{where}: throttled + cut calls vs boto3",
            f"{ro:,.0f} vs {rb:,.0f}",
            "<= 1/3 of boto3's",
            ro <= rb * REFUSED_CALLS_GOAL,
        )


def print_table(rows):
    print()
    print("riding the limit: medians; achieved = WCU / whole-process wall; steady = seconds after the first 3 until the last full one")
    print("| limits | workload | limit WCU/s | records | tool | achieved WCU/s | steady WCU/s | max WCU in 1 s | steady throttled calls/s | steady cut calls/s | throttled + cut calls |")
    print("|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for model, workload, limit, n, runs in rows:
        for tool, rs in runs.items():
            if med(rs, "achieved") is None:
                wall = statistics.median(r["sample"]["wall"] for r in rs)
                print(f"| {model} | {workload} | {limit:,} | {n:,} | {tool} | {n * WCU_PER_RECORD / wall:,.0f} | - | - | - | - | - |")
                continue
            print(
                f"| {model} | {workload} | {limit:,} | {n:,} | {tool} | {med(rs, 'achieved'):,.0f} | {med(rs, 'steady'):,.0f}"
                f" | {med(rs, 'max_second'):,.0f} | {med(rs, 'steady_throttled'):.1f} | {med(rs, 'steady_cut'):.1f}"
                f" | {med(rs, 'refused_calls'):,.0f} |"
            )
