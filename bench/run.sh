#!/bin/sh
# All benchmarks; each prints a table.
set -eu
sh bench/corpus.sh ./mmreview build/bench
