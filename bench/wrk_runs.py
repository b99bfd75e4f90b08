"""Drive a URL with wrk and keep its whole latency histogram, so several short runs can be merged.

wrk is closed-loop: each connection sends its next request when the previous answer arrives, so
requests/s is what the server sustains at that concurrency, and a latency is the time from
writing a request to reading its whole answer, recorded to the microsecond whatever the status;
requests that time out are counted as errors, not latencies. Before it reports, wrk 4 corrects
its histogram for coordinated omission (``stats_correct``): with ``expected`` = run time ÷
(answers ÷ connections), each answer that took ``n`` ≥ 2 × expected adds one sample at
n − expected, n − 2 × expected, … down to expected, standing for the requests a client sending
at that pace would have had waiting. Its ``--latency`` percentiles, and the "wrk" ones here,
are of that corrected histogram (so it holds more samples than there were answers); the "raw"
ones are of the answers themselves, recovered exactly by undoing the correction.

A small Lua ``done`` hook prints the summary and the corrected histogram (``latency(i)``: value
and count); percentiles are computed as wrk computes its own (the smallest value whose
cumulative count reaches round(p/100 × n + 0.5)), over the merged histograms of all runs of a URL.
"""

import re
import subprocess
import tempfile
from collections import Counter, defaultdict

DONE_HOOK = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("SUMMARY %d %d %d %d %d %d %d\\n", summary.duration, summary.requests,
    e.connect, e.read, e.write, e.status, e.timeout))
  for i = 1, #latency do
    local value, count = latency(i)
    io.write(string.format("LATENCY %d %d\\n", value, count))
  end
end
"""


def uncorrected(histogram, expected):
    """The histogram before wrk's ``stats_correct(expected)``: each bucket less what higher ones added."""
    if not expected:
        return Counter(histogram)
    original, added_by_higher = Counter(), defaultdict(int)  # residue mod expected -> sum of sources above
    for value in sorted(histogram, reverse=True):
        residue = value % expected
        count = histogram[value] - (added_by_higher[residue] if value > expected else 0)
        if count:
            original[value] = count
        if value >= 2 * expected:
            added_by_higher[residue] += count
    return original


def percentile(histogram, percent):
    """wrk's percentile of a {microseconds: count} histogram, in milliseconds."""
    total = sum(histogram.values())
    if not total:
        return float("nan")
    rank, seen = round(percent / 100 * total + 0.5), 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value / 1000
    return max(histogram) / 1000


class Sample:
    """The merged result of one or more wrk runs against one URL."""

    def __init__(self):
        self.seconds = 0.0
        self.requests = 0
        self.errors = Counter()
        self.corrected = Counter()  # microseconds -> count, as wrk reports it
        self.raw = Counter()  # microseconds -> answers

    def add_run(self, output, connections):
        summary = re.search(r"^SUMMARY (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", output, re.MULTILINE)
        if not summary:
            raise SystemExit(f"throughput: wrk printed no summary:\n{output}")
        duration, requests, *errors = (int(value) for value in summary.groups())
        self.seconds += duration / 1e6
        self.requests += requests
        self.errors.update(dict(zip(("connect", "read", "write", "status", "timeout"), errors, strict=True)))
        histogram = Counter()
        for value, count in re.findall(r"^LATENCY (\d+) (\d+)$", output, re.MULTILINE):
            histogram[int(value)] += int(count)
        self.corrected += histogram
        per_connection = requests // connections  # as wrk computes its correction's interval
        self.raw += uncorrected(histogram, duration // per_connection if per_connection else 0)

    @property
    def requests_per_second(self):
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self):
        return {
            "requests_per_second": round(self.requests_per_second, 1),
            **{f"p{p}_ms": round(percentile(self.corrected, p), 2) for p in (50, 95, 99)},
            **{f"raw_p{p}_ms": round(percentile(self.raw, p), 2) for p in (50, 95, 99)},
            "max_ms": round(max(self.raw, default=0) / 1000, 2),
            "requests": self.requests,
            "answers_timed": sum(self.raw.values()),
            "corrected_samples": sum(self.corrected.values()),
            "seconds": round(self.seconds, 2),
            "errors": dict(self.errors),
        }


def run_wrk(url, seconds, connections, threads, headers=(), sample=None):
    """One wrk run of ``seconds`` against ``url``, added to ``sample`` (a new one if none)."""
    sample = sample if sample is not None else Sample()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="throughput-") as hook:
        hook.write(DONE_HOOK)
        hook.flush()
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", hook.name]
        for header in headers:
            command += ["-H", header]
        output = subprocess.run(
            [*command, url], check=True, text=True, stdout=subprocess.PIPE, timeout=seconds + 60
        ).stdout
    sample.add_run(output, connections)
    return sample
