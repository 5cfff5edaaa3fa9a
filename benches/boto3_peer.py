#!/usr/bin/env python3
"""The peers of the benchmark: the same workloads done the way people do them with boto3.

Usage: boto3_peer.py [--retries MODE] ENDPOINT TABLE WORKLOAD [args]
  w1-threads  REQUEST_ID N PAYLOAD   one request of N records, 8 threads of batch_write_item
  w1-writer   REQUEST_ID N PAYLOAD   the same with Table.batch_writer()
  w2-threads  N PAYLOAD              N requests of 1 record, 8 threads of batch_write_item
  w2-writer   N PAYLOAD              the same with Table.batch_writer()
  w3          REQUEST_ID CONSISTENT  query every page (resource API: items become Python dicts)
  w4-threads  REQUEST_ID             keys-only query, then 8 threads of batch deletes

--retries MODE   botocore's retry mode (legacy, standard, adaptive); default: botocore's own

Prints one JSON object: items, wall_s, cpu_s (process CPU during the operation, all threads).
Writes resend UnprocessedItems with exponential backoff and jitter, as the docs ask, and so do
calls that botocore's retries gave up on with a throttling error (against a limited table).
"""
import json
import random
import sys
import threading
import time
import uuid
from datetime import datetime, timezone

import boto3
import botocore.config
import botocore.exceptions
from boto3.dynamodb.types import TypeSerializer

THREADS = 8
# What DynamoDB (and serve --limits) answer when a table or key is over its limit.
THROTTLING = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}
# botocore's retry mode, from --retries (None: botocore's default, "legacy").
RETRY_MODE = None


def connection_args(endpoint):
    config = botocore.config.Config(retries={"mode": RETRY_MODE}) if RETRY_MODE else None
    return {
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "aws_access_key_id": "dummy",
        "aws_secret_access_key": "dummy",
        "config": config,
    }


def client(endpoint):
    return boto3.client("dynamodb", **connection_args(endpoint))


def resource(endpoint):
    return boto3.resource("dynamodb", **connection_args(endpoint))


def records(request_id, n, payload):
    created = datetime.now(timezone.utc).isoformat()
    expires = int(time.time()) + 30 * 86400
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    for seq in range(n):
        yield {
            "request_id": request_id,
            "seq": seq,
            "created_at": created,
            "customer_id": "customer-00001",
            "record_count": n,
            "payload": "".join(random.choices(alphabet, k=payload)),
            "expires_at": expires,
        }


def batch_write_threads(c, table, requests):
    """requests: list of WriteRequest dicts (low-level format). 8 threads, 25 per call."""
    chunks = [requests[i : i + 25] for i in range(0, len(requests), 25)]
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not chunks:
                    return
                chunk = chunks.pop()
            attempt = 0
            while chunk:
                try:
                    out = c.batch_write_item(RequestItems={table: chunk})
                    chunk = out.get("UnprocessedItems", {}).get(table, [])
                except botocore.exceptions.ClientError as e:
                    # botocore's own retries are spent: back off and send the chunk again.
                    if e.response.get("Error", {}).get("Code") not in THROTTLING:
                        raise
                if chunk:
                    attempt += 1
                    time.sleep(random.uniform(0, min(2.0, 0.025 * 2**attempt)))

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main():
    global RETRY_MODE
    argv = sys.argv[1:]
    if argv[:1] == ["--retries"]:
        RETRY_MODE, argv = argv[1], argv[2:]
    endpoint, table, workload, *args = argv
    c = client(endpoint)
    ser = TypeSerializer()
    items = 0
    if workload in ("w1-threads", "w1-writer"):
        rid, n, payload = args[0], int(args[1]), int(args[2])
        recs = list(records(rid, n, payload))
    elif workload in ("w2-threads", "w2-writer"):
        n, payload = int(args[0]), int(args[1])
        recs = [r for _ in range(n) for r in records(str(uuid.uuid4()), 1, payload)]
    wall0, cpu0 = time.perf_counter(), time.process_time()
    if workload in ("w1-threads", "w2-threads"):
        reqs = [{"PutRequest": {"Item": {k: ser.serialize(v) for k, v in r.items()}}} for r in recs]
        batch_write_threads(c, table, reqs)
        items = len(reqs)
    elif workload in ("w1-writer", "w2-writer"):
        t = resource(endpoint).Table(table)
        with t.batch_writer() as w:
            for r in recs:
                w.put_item(Item=r)
        items = len(recs)
    elif workload == "w3":
        rid, consistent = args[0], args[1] == "strong"
        t = resource(endpoint).Table(table)
        from boto3.dynamodb.conditions import Key

        kwargs = {"KeyConditionExpression": Key("request_id").eq(rid), "ConsistentRead": consistent}
        got = []
        while True:
            out = t.query(**kwargs)
            got.extend(out["Items"])
            if "LastEvaluatedKey" not in out:
                break
            kwargs["ExclusiveStartKey"] = out["LastEvaluatedKey"]
        items = len(got)
    elif workload == "w4-threads":
        rid = args[0]
        keys = []
        kwargs = {
            "TableName": table,
            "KeyConditionExpression": "request_id = :id",
            "ExpressionAttributeValues": {":id": {"S": rid}},
            "ProjectionExpression": "request_id, seq",
            "ConsistentRead": True,
        }
        while True:
            out = c.query(**kwargs)
            keys.extend(out["Items"])
            if "LastEvaluatedKey" not in out:
                break
            kwargs["ExclusiveStartKey"] = out["LastEvaluatedKey"]
        batch_write_threads(c, table, [{"DeleteRequest": {"Key": k}} for k in keys])
        items = len(keys)
    else:
        sys.exit(f"unknown workload {workload}")
    print(json.dumps({"items": items, "wall_s": time.perf_counter() - wall0, "cpu_s": time.process_time() - cpu0}))


if __name__ == "__main__":
    main()
