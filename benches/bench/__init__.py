"""The benchmark's parts, driven by benches/compare.py (run it through benches/run).

procs    processes: whole-process timing, the delay proxy, a `serve --limits` server
tools    the tools compared: ours, boto3 (benches/boto3_peer.py), the aws CLI
wan      part 1: W1-W4 through a wide-area delay, the scaling tables, the embedded engine
limits   part 2: writes riding a simulated throughput limit
report   medians, tables and the targets table
"""
