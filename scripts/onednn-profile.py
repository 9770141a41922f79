#!/usr/bin/env python3
"""Aggregates oneDNN's profile_exec verbose output of MixedPrecisionProfile by policy and primitive.

Usage: onednn-profile.py VERBOSE_STDOUT WINDOWS_STDERR

VERBOSE_STDOUT holds oneDNN's lines (ONEDNN_VERBOSE=profile_exec ONEDNN_VERBOSE_TIMESTAMP=1):
  onednn_verbose,<ms since epoch>,primitive,exec,cpu,<kind>,<implementation>,<propagation>,
  <memory descriptors>,<attributes>,<aux>,<problem>,<ms>
WINDOWS_STDERR holds the benchmark's "WINDOW <policy> <start ms> <end ms> <steps>" lines. A primitive
belongs to the window its time stamp falls in; lines outside every window (warm-up) are dropped.
Per policy it prints each primitive's milliseconds per step, then the wall time per step, the
oneDNN conv/matmul total, the other oneDNN primitives (pooling, reorders), the rest (TensorFlow's own
kernels and runtime), and the Amdahl bound on the speed-up of the second policy over the first.
"""
import collections
import sys

COMPUTE = {"convolution", "matmul", "inner_product", "gemm_api", "deconvolution"}


def main(verbose_path, windows_path):
    windows = []
    with open(windows_path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 5 and parts[0] == "WINDOW":
                windows.append((parts[1], float(parts[2]), float(parts[3]), int(parts[4])))
    if not windows:
        sys.exit("no WINDOW lines in " + windows_path)
    policies = list(dict.fromkeys(w[0] for w in windows))
    steps = collections.Counter()
    wall = collections.Counter()
    for policy, start, end, n in windows:
        steps[policy] += n
        wall[policy] += end - start
    per = {p: collections.Counter() for p in policies}
    count = {p: collections.Counter() for p in policies}
    with open(verbose_path, errors="replace") as f:
        for line in f:
            fields = line.rstrip("\n").split(",")
            if len(fields) < 13 or fields[0] != "onednn_verbose" or fields[3] != "exec":
                continue
            try:
                stamp, ms = float(fields[1]), float(fields[-1])
            except ValueError:
                continue
            for policy, start, end, _ in windows:
                if start <= stamp <= end:
                    key = (fields[5], fields[6] or "(gemm)", fields[7], fields[11])
                    per[policy][key] += ms
                    count[policy][key] += 1
                    break
    summary = {}
    for policy in policies:
        n = steps[policy]
        print(f"== {policy}: {n} steps in {len([w for w in windows if w[0] == policy])} windows")
        print(f"{'ms/step':>8} {'calls/step':>10}  kind, implementation, propagation, problem")
        for key, ms in sorted(per[policy].items(), key=lambda kv: -kv[1]):
            if ms / n < 0.005:
                continue
            print(f"{ms / n:8.2f} {count[policy][key] / n:10.1f}  {', '.join(key)}")
        compute = sum(ms for k, ms in per[policy].items() if k[0] in COMPUTE) / n
        onednn = sum(per[policy].values()) / n
        w = wall[policy] / n
        summary[policy] = (w, compute, onednn - compute, w - onednn)
        print(f"  wall {w:.2f} ms/step = conv/matmul {compute:.2f} + other oneDNN (pooling, reorders)"
              f" {onednn - compute:.2f}"
              f" + rest (TensorFlow kernels, runtime) {w - onednn:.2f}")
    if len(policies) == 2:
        (w0, c0, r0, o0), (w1, c1, r1, o1) = summary[policies[0]], summary[policies[1]]
        print(f"== {policies[1]} against {policies[0]}")
        print(f"  step speed-up {w0 / w1:.2f}x; conv/matmul speed-up {c0 / c1:.2f}x;"
              f" rest {o0:.2f} -> {o1:.2f} ms")
        print(f"  conv/matmul share of the {policies[0]} step: {100 * c0 / w0:.0f}%")
        rest = w0 - c0
        print(f"  Amdahl: with the measured conv/matmul speed-up and the rest unchanged"
              f" {w0 / (rest + c0 / (c0 / c1)):.2f}x; with conv/matmul free {w0 / rest:.2f}x;"
              f" 1.5x needs conv/matmul {c0 / (w0 / 1.5 - rest):.2f}x faster"
              if w0 / 1.5 > rest else "  Amdahl: 1.5x is out of reach even with free conv/matmul")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
