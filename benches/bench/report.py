"""Results: samples collected under names, their medians, the tables printed at the end and
the targets table (`| target | measured | goal | met |`).
"""
import statistics


class Results:
    """Samples by name (a name says the delay, the workload and the tool), in run order."""

    def __init__(self):
        self.samples = {}

    def add(self, name, s):
        self.samples.setdefault(name, []).append(s)
        extra = describe_in_flight(s)
        print(
            f"  {name:<46} {s['items']:>6} items {s['wall']:7.3f} s {s['items'] / s['wall']:9.0f} items/s"
            f" cpu {s['cpu']:6.3f} s{extra}",
            flush=True,
        )

    def has(self, *names):
        return all(n in self.samples for n in names)

    def rate(self, name):
        """Median items/s."""
        return statistics.median(s["items"] / s["wall"] for s in self.samples[name])

    def median(self, name, key):
        return statistics.median(s[key] for s in self.samples[name])

    def cpu_per_item(self, name):
        return statistics.median(s["cpu"] / s["items"] for s in self.samples[name])

    def table(self, title, names):
        names = [n for n in names if n in self.samples]
        if not names:
            return
        print()
        print(title)
        print("| workload | items/s | wall s | CPU s | CPU ms per 1k items | runs |")
        print("|---|---:|---:|---:|---:|---:|")
        for n in names:
            print(
                f"| {n} | {self.rate(n):,.0f} | {self.median(n, 'wall'):.3f} | {self.median(n, 'cpu'):.3f}"
                f" | {self.cpu_per_item(n) * 1e6:.1f} | {len(self.samples[n])} |"
            )


def describe_in_flight(s):
    """What the tool said about its in-flight calls, if it said anything (older builds do not)."""
    parts = []
    if s.get("in_flight"):
        f = s["in_flight"]
        parts.append(f"in flight start {f.get('start')} peak {f.get('peak')} final {f.get('final')}")
    if s.get("parallel"):
        parts.append(f"parallel {s['parallel']}")
    return ("  (" + ", ".join(parts) + ")") if parts else ""


def ratio_text(r, goal):
    """A ratio to two decimals, or more when two would print it equal to its goal (2.4997x
    shown as 2.50x beside ">= 2.5x" and "NO" reads as a contradiction)."""
    for decimals in (2, 3, 4):
        if f"{r:.{decimals}f}" != f"{goal:.{decimals}f}":
            break
    return f"{r:.{decimals}f}x"


class Targets:
    """Rows of the targets table; goal None: informational (printed with met '-')."""

    def __init__(self):
        self.rows = []

    def add(self, label, measured, goal, met):
        self.rows.append((label, measured, goal, met))

    def print(self, title="targets"):
        print()
        print(title)
        print("| target | measured | goal | met |")
        print("|---|---|---|---|")
        for label, measured, goal, met in self.rows:
            shown = "-" if goal is None else ("yes" if met else "NO")
            print(f"| {label} | {measured} | {goal or '(informational)'} | {shown} |")
