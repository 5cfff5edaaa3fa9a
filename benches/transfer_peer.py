"""The boto3 peers of `export` and `import` (issue 22), written the way people write them; run
by hand (see benches/README.md, "Export and import"). Prints {"items": N} on stdout.

  python transfer_peer.py seed FILE N                  N items of ~1 KB as ddb-json lines
  python transfer_peer.py URL TABLE export-paginator OUT   one Scan paginator, to a file
  python transfer_peer.py URL TABLE export-threads OUT 8   8 threads of parallel scan
  python transfer_peer.py URL TABLE export-threads OUT 8 1000   the same, 1,000 items a page
  python transfer_peer.py URL TABLE import-writer FILE 8   8 threads, each a Table.batch_writer()

Files are ddb-json, one {"Item": {...}} a line (DynamoDB's export layout, as ours writes).
"""
import json
import queue
import sys
import threading

import boto3
from boto3.dynamodb.types import TypeDeserializer


def seed(path, n):
    pad = "x" * 900
    with open(path, "w") as f:
        for i in range(n):
            item = {
                "pk": {"S": f"k-{i:07d}"},
                "n": {"N": str(i * 7 - 3)},
                "price": {"N": f"{i % 1000}.{i % 97:02d}"},
                "tags": {"SS": ["a", f"t{i % 13}"]},
                "payload": {"S": pad},
            }
            f.write(json.dumps({"Item": item}, separators=(",", ":")) + "\n")
    return n


def client(url):
    return boto3.client(
        "dynamodb", endpoint_url=url, region_name="us-east-1",
        aws_access_key_id="dummy", aws_secret_access_key="dummy",
    )


def export(url, table, out, segments, page=None):
    c = client(url)
    lock = threading.Lock()
    count = [0]
    with open(out, "w") as f:
        def read(segment):
            args = {"TableName": table}
            if segments > 1:
                args.update(Segment=segment, TotalSegments=segments)
            if page:
                args["PaginationConfig"] = {"PageSize": page}
            for answer in c.get_paginator("scan").paginate(**args):
                lines = "".join(json.dumps({"Item": i}) + "\n" for i in answer["Items"])
                with lock:
                    f.write(lines)
                    count[0] += len(answer["Items"])
        threads = [threading.Thread(target=read, args=(s,)) for s in range(segments)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return count[0]


def import_writer(url, table, path, threads):
    resource = boto3.resource(
        "dynamodb", endpoint_url=url, region_name="us-east-1",
        aws_access_key_id="dummy", aws_secret_access_key="dummy",
    )
    work = queue.Queue(maxsize=10_000)
    des = TypeDeserializer()
    count = [0]
    lock = threading.Lock()

    def worker():
        n = 0
        with resource.Table(table).batch_writer() as w:
            while (line := work.get()) is not None:
                item = json.loads(line)["Item"]
                w.put_item(Item={k: des.deserialize(v) for k, v in item.items()})
                n += 1
        with lock:
            count[0] += n

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    with open(path) as f:
        for line in f:
            if line.strip():
                work.put(line)
    for _ in pool:
        work.put(None)
    for t in pool:
        t.join()
    return count[0]


def main():
    a = sys.argv[1:]
    if a[0] == "seed":
        n = seed(a[1], int(a[2]))
    elif a[2] == "export-paginator":
        n = export(a[0], a[1], a[3], 1)
    elif a[2] == "export-threads":
        n = export(a[0], a[1], a[3], int(a[4]), int(a[5]) if len(a) > 5 else None)
    elif a[2] == "import-writer":
        n = import_writer(a[0], a[1], a[3], int(a[4]))
    else:
        sys.exit(__doc__)
    print(json.dumps({"items": n}))


if __name__ == "__main__":
    main()
