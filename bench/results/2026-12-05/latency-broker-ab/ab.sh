#!/bin/bash
# Interleaved runs: the broker's log on the ext4 disk (where the checkpoints go) or on tmpfs, one exactly-once run
# (200 ms checkpoints, 10 % and 50 % load) each, with the checkpoint poller and the stack poller of the checkpoint
# writing threads. Usage: ab.sh NAME:DIR... (e.g. disk-2:/tmp/broker/data shm-2:/dev/shm/broker-data)
cd "$(dirname "$0")"
AB=$(pwd)
ROOT=$(cd ../../../.. && pwd)
for spec in "$@"; do
  name=${spec%%:*}; data=${spec#*:}
  kill "$(cat /tmp/broker/pid)" 2>/dev/null; sleep 5
  rm -rf /tmp/broker/data /dev/shm/broker-data
  (cd "$ROOT" && nohup java -Xmx1g -cp "deploy/target/classes:$(cat deploy/target/tools.classpath)" io.seqstream.deploy.KafkaBrokerMain \
     --data-dir "$data" --bootstrap-file /tmp/broker/bootstrap > /tmp/broker/broker.log 2>&1 & echo $! > /tmp/broker/pid)
  sleep 15
  mkdir -p "$AB/$name"; cd "$AB/$name"
  echo "broker log in $data, started $(date -u +%H:%M:%S)" > run.info
  python3 "$ROOT/bench/results/2026-12-04/latency/checkpoint-storage/poll-checkpoints.py" 400 > checkpoints.log 2> poller.err &
  (cd "$ROOT" && ./seqstream bench --latency-vs-load --modes exactly-once --intervals 200ms --loads 0.1,0.5 \
     --sustain-steps 3 --seconds 30 --kafka.bootstrap "$(cat /tmp/broker/bootstrap)" --out "$AB/$name/out" > "$AB/$name/bench.log" 2>&1) &
  sleep 8
  JPID=$(pgrep -f 'io.seqstream.*latency-vs-load' | head -1)
  python3 "$AB/stackpoll.py" "$JPID" 400 > stacks.log
  wait
  cd "$AB"
done
