#!/bin/bash
# Interleaved exactly-once runs (200 ms checkpoints, 10 % and 50 % load), the broker in its own process with its log on
# tmpfs, with and without extra benchmark arguments, and the checkpoint poller. Usage: ab.sh 'NAME|ARGS'...
cd "$(dirname "$0")"
AB=$(pwd)
ROOT=$(cd ../../../.. && pwd)
for spec in "$@"; do
  name=${spec%%|*}; args=${spec#*|}
  kill "$(cat /tmp/broker/pid)" 2>/dev/null; sleep 5
  rm -rf /dev/shm/broker-data
  (cd "$ROOT" && nohup java -Xmx1g -cp "deploy/target/classes:$(cat deploy/target/tools.classpath)" io.seqstream.deploy.KafkaBrokerMain \
     --data-dir /dev/shm/broker-data --bootstrap-file /tmp/broker/bootstrap > /tmp/broker/broker.log 2>&1 & echo $! > /tmp/broker/pid)
  sleep 15
  mkdir -p "$AB/$name"; cd "$AB/$name"
  echo "args '$args', broker log in /dev/shm/broker-data, started $(date -u +%H:%M:%S), commit $(git -C "$ROOT" rev-parse --short HEAD)" > run.info
  python3 "$ROOT/bench/results/2026-12-04/latency/checkpoint-storage/poll-checkpoints.py" 400 > checkpoints.log 2> poller.err &
  POLL=$!
  (cd "$ROOT" && ./seqstream bench --latency-vs-load --modes exactly-once --intervals 200ms --loads 0.1,0.5 \
     --sustain-steps 3 --seconds 30 --kafka.bootstrap "$(cat /tmp/broker/bootstrap)" --out "$AB/$name/out" $args > "$AB/$name/bench.log" 2>&1)
  kill $POLL 2>/dev/null
  cd "$AB"
done
