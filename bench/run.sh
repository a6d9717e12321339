#!/bin/sh
# All benchmarks; each prints a table.
set -eu
sh bench/corpus.sh ./mmreview build/bench
sh bench/speed.sh ./mmreview build/bench
/usr/bin/python3 bench/mutants.py "$PWD/mmreview" "$PWD/build/kernel/6.1" "$PWD/build/bench" 40
/usr/bin/python3 bench/cond-flips.py "$PWD/mmreview" "$PWD/build/kernel/6.1" "$PWD/build/bench/cond-flips" 30
/usr/bin/python3 bench/flow-recall.py "$PWD/mmreview" "$PWD/build/kernel/6.1" "$PWD/build/bench/flow-recall" 150
sh bench/memory.sh ./mmreview build/bench
sh bench/bigcommit.sh ./mmreview build/kernel/6.1 build/bench
sh bench/ingest.sh build/bench
