"""The tools compared, each run as a whole process and timed by procs.timed: ours
(dynamo-explorer), boto3 (benches/boto3_peer.py, the way people write it) and the aws CLI.

A run returns a sample: items (from the tool's own output), wall and cpu (whole process), and
whatever the tool reports about its in-flight calls, when it does.
"""
import json
import os
import shlex
import sys
import tempfile
import uuid

from .procs import quiet, timed

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEER = os.path.join(HERE, "boto3_peer.py")
# W1 and W2 as the issue defines them.
W1_RECORDS = 10_000
W2_REQUESTS = 2_000
PAYLOAD_BYTES = 200


def sample(items, wall, cpu, **extra):
    return {"items": items, "wall": wall, "cpu": cpu, **extra}


class Ours:
    """dynamo-explorer on one backend (conn: --endpoint URL, or --db PATH)."""

    def __init__(self, binary, conn):
        self.binary, self.conn = binary, conn

    def run(self, table, *args):
        out, wall, cpu = timed([self.binary, *self.conn, "--table", table, *args, "--json"])
        return json.loads(out), wall, cpu

    def create(self, table):
        quiet([self.binary, *self.conn, "--table", table, "describe"])

    def generate(self, table, requests, records, concurrency=None):
        """Returns (request ids, sample); in_flight is the tool's own report, if it gives one."""
        extra = ["--concurrency", str(concurrency)] if concurrency else []
        o, wall, cpu = self.run(
            table, "generate", "--requests", str(requests), "--records", str(records),
            "--payload-bytes", str(PAYLOAD_BYTES), *extra,
        )
        return o["request_ids"], sample(
            o["items"], wall, cpu, in_flight=o.get("in_flight"), report=o, op=o["elapsed_ms"] / 1e3
        )

    def w1(self, table, concurrency=None):
        ids, s = self.generate(table, 1, W1_RECORDS, concurrency)
        return ids[0], s

    def w2(self, table):
        return self.generate(table, W2_REQUESTS, 1)[1]

    def w3(self, table, rid, strong, parallel=None):
        extra = ["--parallel", str(parallel)] if parallel else []
        o, wall, cpu = self.run(table, "query", rid, *(["--consistent"] if strong else []), *extra)
        return sample(o["count"], wall, cpu, parallel=o.get("parallel"), op=o["elapsed_ms"] / 1e3)

    def w4(self, table, rid):
        o, wall, cpu = self.run(table, "delete", rid)
        return sample(o["deleted"], wall, cpu, in_flight=o.get("in_flight"), op=o["elapsed_ms"] / 1e3)


class Boto3:
    """benches/boto3_peer.py against one endpoint; retries: botocore's retry mode, if set."""

    def __init__(self, python, endpoint, retries=None):
        self.python, self.endpoint, self.retries = python, endpoint, retries

    def run(self, table, *args):
        extra = ["--retries", self.retries] if self.retries else []
        out, wall, cpu = timed([self.python, PEER, *extra, self.endpoint, table, *args])
        return sample(json.loads(out)["items"], wall, cpu)

    def w1_threads(self, table, records=W1_RECORDS):
        return self.run(table, "w1-threads", str(uuid.uuid4()), str(records), str(PAYLOAD_BYTES))

    def w1_writer(self, table):
        return self.run(table, "w1-writer", str(uuid.uuid4()), str(W1_RECORDS), str(PAYLOAD_BYTES))

    def w2_threads(self, table, requests=W2_REQUESTS):
        return self.run(table, "w2-threads", str(requests), str(PAYLOAD_BYTES))

    def w2_writer(self, table):
        return self.run(table, "w2-writer", str(W2_REQUESTS), str(PAYLOAD_BYTES))

    def w3(self, table, rid, strong):
        return self.run(table, "w3", rid, "strong" if strong else "eventual")

    def w4_threads(self, table, rid):
        return self.run(table, "w4-threads", rid)


# One file's batch: resends what DynamoDB hands back unprocessed (the CLI does not), with
# a growing pause, and prints the file's item count once all of it is written.
CLI_ONE_FILE = r"""
f=$1; items=$2; left=$f.left; pause=0.05
while :; do
    "$AWS" dynamodb batch-write-item --endpoint-url "$URL" --request-items "file://$f" \
        --query UnprocessedItems --output json >"$left" || exit 1
    # aws CLI v1 prints nothing for an empty map (v2 prints {}): both mean all written.
    case "$(tr -d ' \n' <"$left")" in "" | "{}") echo "$items"; exit 0 ;; esac
    f=$left.json; mv "$left" "$f"; sleep "$pause"; pause=$(awk "BEGIN { p = $pause * 2; print (p > 2 ? 2 : p) }")
done
"""


class AwsCli:
    """The aws CLI's batch-write-item, 8 at a time (xargs -P 8), for W2.

    Files of 25 one-record requests are written before the clock starts; then one shell
    process runs them all and is timed whole, every aws process's start-up included.
    """

    def __init__(self, aws, endpoint):
        self.aws, self.endpoint = aws, endpoint

    def env(self):
        env = dict(os.environ)
        # Dummy credentials and no user config: the engines check that a signature is there,
        # not that it is valid, and the user's own profile must not leak into a benchmark.
        env.update(
            AWS="aws" if not self.aws else self.aws,
            URL=self.endpoint,
            AWS_ACCESS_KEY_ID="dummy",
            AWS_SECRET_ACCESS_KEY="dummy",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
            AWS_EC2_METADATA_DISABLED="true",
            AWS_PAGER="",
        )
        return env

    def w2(self, table, requests=W2_REQUESTS):
        sys.path.insert(0, HERE)
        from boto3.dynamodb.types import TypeSerializer

        from boto3_peer import records

        ser = TypeSerializer()
        with tempfile.TemporaryDirectory(prefix="dx-cli-") as d:
            puts = [
                {"PutRequest": {"Item": {k: ser.serialize(v) for k, v in r.items()}}}
                for _ in range(requests)
                for r in records(str(uuid.uuid4()), 1, PAYLOAD_BYTES)
            ]
            lines = []
            for i in range(0, len(puts), 25):
                path = os.path.join(d, f"batch-{i // 25:04}.json")
                with open(path, "w") as f:
                    json.dump({table: puts[i : i + 25]}, f)
                lines.append(f"{path} {len(puts[i : i + 25])}")
            script = os.path.join(d, "one-file.sh")
            with open(script, "w") as f:
                f.write(CLI_ONE_FILE)
            listing = os.path.join(d, "files")
            with open(listing, "w") as f:
                f.write("\n".join(lines) + "\n")
            cmd = f"xargs -P 8 -n 2 bash {shlex.quote(script)} <{shlex.quote(listing)}"
            out, wall, cpu = timed(["bash", "-c", cmd], env=self.env())
        return sample(sum(int(n) for n in out.split()), wall, cpu)
