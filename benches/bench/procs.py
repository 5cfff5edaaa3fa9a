"""Processes the benchmark starts: every tool run is timed as a whole process (start-up
included, the same for every tool), and the helpers it talks through (the delay proxy, a
`dynamo-explorer serve` with simulated limits) are started and stopped here.
"""
import http.client
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager


class ToolFailed(Exception):
    """A tool exited non-zero; the message holds its command line and stderr."""


def timed(cmd, env=None):
    """Runs cmd to completion; returns (stdout, wall seconds, CPU seconds).

    Wall is perf_counter around the whole process; CPU is user+sys of the children reaped
    meanwhile (RUSAGE_CHILDREN), which includes the process's own children (xargs' aws
    processes) once they are waited for. Helper processes that outlive the run (the proxy,
    a server) are not reaped meanwhile, so their CPU is not counted.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise ToolFailed(f"failed ({out.returncode}): {' '.join(cmd)}\n{out.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out.stdout, wall, cpu


def quiet(cmd):
    """Runs a set-up command (not timed); its stdout, or exits the benchmark on failure."""
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    return out.stdout


@contextmanager
def delay_proxy(binary, endpoint, delay_ms, max_seconds=3600):
    """Yields the URL of a fresh delay proxy in front of endpoint (endpoint itself for 0 ms).

    The proxy exits when its stdin closes, so it cannot outlive this benchmark even if the
    benchmark is killed.
    """
    if delay_ms == 0:
        yield endpoint
        return
    upstream = endpoint.removeprefix("http://").rstrip("/")
    proc = subprocess.Popen(
        [binary, "--upstream", upstream, "--delay-ms", str(delay_ms), "--max-seconds", str(max_seconds)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = proc.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            sys.exit(f"delay-proxy printed {url!r} instead of its URL")
        check_delay(url, delay_ms)
        yield url
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def check_delay(url, delay_ms):
    """Times ListTables through the proxy, on a new connection and again on the same one, and
    stops the benchmark if the proxy does not delay as it should: at least two round trips
    (4D: TCP's handshake, then the call) on a new connection, one (2D) on an open one."""
    host, port = url.removeprefix("http://").split(":")
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "DynamoDB_20120810.ListTables",
        # DynamoDB Local checks that a signature is there, not that it is valid.
        "Authorization": "AWS4-HMAC-SHA256 Credential=dummy/20200101/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=host, Signature=abc",
    }
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    times = []
    for _ in range(2):
        start = time.perf_counter()
        conn.request("POST", "/", body="{}", headers=headers)
        conn.getresponse().read()
        times.append((time.perf_counter() - start) * 1000)
    conn.close()
    new, open_ = times
    print(f"  delay proxy check: ListTables {new:.0f} ms on a new connection, {open_:.0f} ms on an open one", flush=True)
    if new < 4 * delay_ms or open_ < 2 * delay_ms:
        sys.exit(f"delay-proxy does not delay: expected at least {4 * delay_ms} and {2 * delay_ms} ms")


class Server:
    """A fresh `dynamo-explorer --memory --limits MODEL serve --port 0 --json`.

    Its stderr names the URL (`... at http://127.0.0.1:PORT`); on SIGINT it prints one JSON
    object of throttling statistics on stdout. Both go to files, not pipes, so a chatty stderr
    can never block it.
    """

    URL = re.compile(r" at (http://127\.0\.0\.1:\d+)")

    def __init__(self, binary, limits, timeout_s=30):
        self.dir = tempfile.TemporaryDirectory(prefix="dx-serve-")
        self.out_path = os.path.join(self.dir.name, "stdout")
        self.err_path = os.path.join(self.dir.name, "stderr")
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(
                [binary, "--memory", "--limits", limits, "serve", "--port", "0", "--json"],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )
        self.url = self._wait_for_url(timeout_s)

    def _wait_for_url(self, timeout_s):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with open(self.err_path) as f:
                m = self.URL.search(f.read())
            if m:
                return m.group(1)
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.proc.kill()
        with open(self.err_path) as f:
            sys.exit(f"serve did not print its URL:\n{f.read()}")

    def stop(self):
        """SIGINT, then the JSON it printed (None if it printed none), stderr's tail."""
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        with open(self.out_path) as f:
            out = f.read()
        with open(self.err_path) as f:
            err = f.read()
        self.dir.cleanup()
        return out, err
