#!/usr/bin/env python3
"""Splits a whole-machine CPU profile of a bench run three ways.

Reads `perf script` output on stdin (record with `perf record -F 99 -a -g`, the bench started with
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 so that .NET frames have names) and prints:
  - the share of all samples for each process (the thread's name: .NET threads are one process here),
  - the .NET process's samples by the first Orchestrator class met walking from the leaf toward the root
    (whose code was running, or whose call it was), or "MassTransit and the runtime only" when none is on the stack,
  - the .NET process's samples by the first library met from the leaf (where the time is actually spent).
Usage: perf script -i perf.data | python3 attribute-samples.py
"""
import collections
import re
import sys

LIBRARIES = [
    ("MassTransit", "MassTransit"), ("RabbitMQ.Client", "RabbitMQ.Client"), ("Npgsql", "Npgsql"),
    ("Microsoft.EntityFrameworkCore", "EF Core"), ("System.Text.Json", "System.Text.Json"),
    ("Microsoft.AspNetCore", "ASP.NET Core"), ("System.Net.Sockets", "sockets"), ("OpenTelemetry", "OpenTelemetry"),
    ("System.Diagnostics", "Activity and diagnostics"),
]
ORCHESTRATOR_CLASS = re.compile(r"Orchestrator\.(StateStore|Scheduler|Api|WorkerAgent|Bench|ServiceDefaults)\.([A-Za-z.]+?)(\+|::|\[|\.<|\(|$)")


def read_samples(lines):
    thread, frames = None, []
    for line in lines:
        if not line.strip():
            if thread is not None:
                yield thread, frames
            thread, frames = None, []
        elif not line.startswith((" ", "\t")):
            header = re.match(r"^(.*?)\s+\d+(/\d+)?\s+\[", line)
            thread = header.group(1).strip() if header else line.split()[0]
        else:
            parts = line.strip().split(" ", 1)
            frame = re.match(r"(.*) \((.*)\)$", parts[1] if len(parts) > 1 else "")
            frames.append((frame.group(1), frame.group(2)) if frame else (parts[-1], ""))
    if thread is not None:
        yield thread, frames


def process_of(thread):
    return "dotnet" if thread.startswith((".NET", "dotnet")) else thread


def library_of(frames):
    for symbol, _ in frames:
        for marker, name in LIBRARIES:
            if marker in symbol:
                return name
    leaf = frames[0][1] if frames else ""
    if "libcoreclr" in leaf:
        return "runtime (GC, allocation, casts)"
    if "libclrjit" in leaf:
        return "JIT"
    return "kernel" if "kernel" in leaf else "other"


def class_of(frames):
    for symbol, _ in frames:
        found = ORCHESTRATOR_CLASS.search(symbol)
        if found:
            return f"{found.group(1)}.{found.group(2)}"
    return "MassTransit and the runtime only"


def table(title, counter, total, limit=20):
    print(title)
    for name, count in counter.most_common(limit):
        print(f"  {100 * count / total:5.1f} %  {name}")


def main():
    processes, classes, libraries = collections.Counter(), collections.Counter(), collections.Counter()
    for thread, frames in read_samples(sys.stdin):
        process = process_of(thread)
        processes[process] += 1
        if process == "dotnet":
            classes[class_of(frames)] += 1
            libraries[library_of(frames)] += 1
    total, dotnet = sum(processes.values()), sum(classes.values())
    print(f"{total} samples, {dotnet} in the .NET process")
    table("all samples, by thread name (RabbitMQ's are N_scheduler, N_dirty_io..., idle is swapper):", processes, total, 10)
    table("the .NET process, by the first Orchestrator class from the leaf:", classes, dotnet)
    table("the .NET process, by the first library from the leaf:", libraries, dotnet)


if __name__ == "__main__":
    main()
