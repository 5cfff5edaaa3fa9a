#!/usr/bin/env python3
"""Side-by-side benchmark: dynamo-explorer against boto3 on Amazon DynamoDB Local, and
dynamo-explorer on its embedded engine. Run it through benches/run (which builds, installs
boto3 and starts DynamoDB Local); see README "Benchmarks".

Workloads (each on a fresh table, REPS times, tools alternated each rep so machine drift hits
all equally; medians reported):
  W1  one request of 10,000 records, 200-byte payloads
  W2  2,000 requests of 1 record
  W3  query the 10,000-record request back, all pages, eventual and strong
  W4  delete the 10,000 records of that request
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "boto3_peer.py")


def sh(cmd, **kw):
    out = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    return out.stdout


class Ours:
    def __init__(self, binary, conn):
        self.binary, self.conn = binary, conn

    def run(self, table, *args):
        out = json.loads(sh([self.binary, *self.conn, "--table", table, *args, "--json"]))
        return out

    def create(self, table):
        sh([self.binary, *self.conn, "--table", table, "describe"])

    def w1(self, table, n=10_000, concurrency=None):
        extra = ["--concurrency", str(concurrency)] if concurrency else []
        o = self.run(table, "generate", "--requests", "1", "--records", str(n), "--payload-bytes", "200", *extra)
        return o["request_ids"][0], sample(o["items"], o["elapsed_ms"] / 1e3, o["client_cpu_ms"] / 1e3)

    def w2(self, table):
        o = self.run(table, "generate", "--requests", "2000", "--records", "1", "--payload-bytes", "200")
        return sample(o["items"], o["elapsed_ms"] / 1e3, o["client_cpu_ms"] / 1e3)

    def w3(self, table, rid, strong, parallel=None):
        extra = ["--parallel", str(parallel)] if parallel else []
        o = self.run(table, "query", rid, *(["--consistent"] if strong else []), *extra)
        return sample(o["count"], o["elapsed_ms"] / 1e3, o["client_cpu_ms"] / 1e3)

    def w4(self, table, rid):
        o = self.run(table, "delete", rid)
        return sample(o["deleted"], o["elapsed_ms"] / 1e3, o["client_cpu_ms"] / 1e3)


class Boto3:
    def __init__(self, python, endpoint):
        self.python, self.endpoint = python, endpoint

    def run(self, table, *args):
        o = json.loads(sh([self.python, PEER, self.endpoint, table, *args]))
        return sample(o["items"], o["wall_s"], o["cpu_s"])


def sample(items, wall, cpu):
    return {"items": items, "wall": wall, "cpu": cpu}


def fresh(prefix):
    return f"bench_{prefix}_{uuid.uuid4().hex[:8]}"


def median(samples, key):
    return statistics.median(s[key] for s in samples)


def rate(samples):
    return statistics.median(s["items"] / s["wall"] for s in samples)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--endpoint", required=True, help="DynamoDB Local")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--scaling", action="store_true", help="also measure --concurrency 1..32")
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()

    local = Ours(a.bin, ["--endpoint", a.endpoint])
    boto = Boto3(a.python, a.endpoint)
    res = {}

    def add(name, s):
        res.setdefault(name, []).append(s)
        print(f"  {name:<34} {s['items']:>6} items {s['wall']:7.3f} s {s['items'] / s['wall']:9.0f} items/s cpu {s['cpu']:6.3f} s", flush=True)

    # DynamoDB Local is a JVM: its first 10,000 writes run before the JIT has warmed up and
    # would penalise whichever tool goes first. One unrecorded round of every workload.
    print("warm-up (not recorded)", flush=True)
    for _ in range(2):
        t = fresh("warm")
        rid, _ = local.w1(t)
        local.w3(t, rid, False)
        boto.run(t, "w3", rid, "eventual")
        local.w4(t, rid)
        t = fresh("warm")
        local.create(t)
        boto.run(t, "w1-threads", str(uuid.uuid4()), "10000", "200")

    for rep in range(a.reps):
        print(f"rep {rep + 1}/{a.reps}", flush=True)
        # W1 and W2: tools in rotated order.
        w1_tools = [
            ("W1 ours (DynamoDB Local)", lambda t: local.w1(t)[1]),
            ("W1 boto3 8 threads", lambda t: boto.run(t, "w1-threads", str(uuid.uuid4()), "10000", "200")),
            ("W1 boto3 batch_writer", lambda t: boto.run(t, "w1-writer", str(uuid.uuid4()), "10000", "200")),
        ]
        w2_tools = [
            ("W2 ours (DynamoDB Local)", lambda t: local.w2(t)),
            ("W2 boto3 8 threads", lambda t: boto.run(t, "w2-threads", "2000", "200")),
        ]
        for tools in (w1_tools, w2_tools):
            k = rep % len(tools)
            for name, fn in tools[k:] + tools[:k]:
                t = fresh("w")
                local.create(t)
                add(name, fn(t))
        # W3: one table with a 10,000-record request, read by both tools, in rotated order.
        t = fresh("w3")
        rid, _ = local.w1(t)
        readers = [
            ("W3 ours eventual", lambda: local.w3(t, rid, False)),
            ("W3 boto3 eventual", lambda: boto.run(t, "w3", rid, "eventual")),
            ("W3 ours strong", lambda: local.w3(t, rid, True)),
            ("W3 boto3 strong", lambda: boto.run(t, "w3", rid, "strong")),
        ]
        k = rep % 2
        order = readers[2 * k :] + readers[: 2 * k]
        for name, fn in order:
            add(name, fn())
        # Ours reads the pages after the first as parallel seq ranges (--parallel 4, the
        # default); one page after another, as boto3 does, for comparison.
        add("W3 ours eventual --parallel 1", local.w3(t, rid, False, parallel=1))
        # W4: each tool deletes its own freshly written 10,000 records.
        deleters = [
            ("W4 ours (DynamoDB Local)", lambda t, r: local.w4(t, r)),
            ("W4 boto3 8 threads", lambda t, r: boto.run(t, "w4-threads", r)),
        ]
        k = rep % 2
        for name, fn in deleters[k:] + deleters[:k]:
            t = fresh("w4")
            r, _ = local.w1(t)
            add(name, fn(t, r))
        # The embedded engine: ours only; a fresh database file per rep.
        db = os.path.join(a.workdir, f"embedded-{uuid.uuid4().hex[:8]}.db")
        emb = Ours(a.bin, ["--db", db])
        rid, s = emb.w1("requests")
        add("W1 ours (embedded)", s)
        # The first read after the write is the slowest (the kernel hands the new process
        # fresh pages): rotate which read goes first.
        readers = [
            ("W3 ours eventual (embedded)", lambda: emb.w3("requests", rid, False)),
            ("W3 ours strong (embedded)", lambda: emb.w3("requests", rid, True)),
            ("W3 ours eventual --parallel 1 (embedded)", lambda: emb.w3("requests", rid, False, parallel=1)),
        ]
        k = rep % len(readers)
        for name, fn in readers[k:] + readers[:k]:
            add(name, fn())
        add("W2 ours (embedded)", emb.w2("requests"))
        add("W4 ours (embedded)", emb.w4("requests", rid))

    if a.scaling:
        print("concurrency scaling (W1, one run each)", flush=True)
        for c in (1, 2, 4, 8, 16, 32):
            t = fresh("scale")
            local.create(t)
            add(f"W1 ours DynamoDB Local --concurrency {c}", local.w1(t, concurrency=c)[1])
            db = os.path.join(a.workdir, f"scale-{uuid.uuid4().hex[:8]}.db")
            add(f"W1 ours embedded --concurrency {c}", Ours(a.bin, ["--db", db]).w1("requests", concurrency=c)[1])

    print()
    print(f"medians of {a.reps} runs")
    print(f"| workload | items/s | wall s | client CPU s | CPU ms per 1k items |")
    print(f"|---|---:|---:|---:|---:|")
    for name, ss in res.items():
        cpu_per_k = median(ss, "cpu") / (ss[0]["items"] / 1000) * 1000 if ss[0]["items"] else 0
        print(f"| {name} | {rate(ss):,.0f} | {median(ss, 'wall'):.3f} | {median(ss, 'cpu'):.3f} | {cpu_per_k:.1f} |")

    print()
    print("targets")
    checks = []

    def ratio_check(label, ours, peer, need):
        r = rate(res[ours]) / rate(res[peer])
        checks.append((label, f"{r:.2f}x", f">= {need}x", r >= need))

    def cpu_check(label, ours, peer):
        per = lambda n: median(res[n], "cpu") / res[n][0]["items"]
        r = per(ours) / per(peer)
        checks.append((label, f"{r:.2f} of boto3's CPU per item", "<= 0.25", r <= 0.25))

    for w in ("W1", "W2"):
        ratio_check(f"{w} throughput vs boto3 8 threads", f"{w} ours (DynamoDB Local)", f"{w} boto3 8 threads", 1.25)
        cpu_check(f"{w} client CPU per item", f"{w} ours (DynamoDB Local)", f"{w} boto3 8 threads")
    ratio_check("W4 throughput vs boto3 8 threads", "W4 ours (DynamoDB Local)", "W4 boto3 8 threads", 1.25)
    cpu_check("W4 client CPU per item", "W4 ours (DynamoDB Local)", "W4 boto3 8 threads")
    for mode in ("eventual", "strong"):
        o, b = median(res[f"W3 ours {mode}"], "wall"), median(res[f"W3 boto3 {mode}"], "wall")
        checks.append((f"W3 {mode} wall vs boto3", f"{o:.3f} s vs {b:.3f} s", "<= boto3", o <= b))
    w1e = rate(res["W1 ours (embedded)"])
    checks.append(("W1 embedded items/s", f"{w1e:,.0f}", ">= 25,000", w1e >= 25_000))
    w3e = median(res["W3 ours eventual (embedded)"], "wall") * 1000
    checks.append(("W3 embedded eventual wall", f"{w3e:.0f} ms", "< 100 ms", w3e < 100))
    print("| target | measured | goal | met |")
    print("|---|---|---|---|")
    for label, got, goal, ok in checks:
        print(f"| {label} | {got} | {goal} | {'yes' if ok else 'NO'} |")


if __name__ == "__main__":
    main()
