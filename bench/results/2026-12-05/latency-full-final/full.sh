#!/bin/bash
# Whole latency-vs-load runs with the JVM's GC log, the broker's log on tmpfs (the checkpoints on the ext4 disk, the benchmark's default),
# with the checkpoint poller and the stack poller of the checkpoint-writing threads. Usage: full.sh NAME...
cd "$(dirname "$0")"
AB=$(pwd)
ROOT=$(cd ../../../.. && pwd)
for name in "$@"; do
  kill "$(cat /tmp/broker/pid)" 2>/dev/null; sleep 5
  rm -rf /tmp/broker/data /dev/shm/broker-data
  (cd "$ROOT" && nohup java -Xmx1g -cp "deploy/target/classes:$(cat deploy/target/tools.classpath)" io.seqstream.deploy.KafkaBrokerMain \
     --data-dir /dev/shm/broker-data --bootstrap-file /tmp/broker/bootstrap > /tmp/broker/broker.log 2>&1 & echo $! > /tmp/broker/pid)
  sleep 15
  mkdir -p "$AB/$name"; cd "$AB/$name"
  echo "broker log in /dev/shm/broker-data, started $(date -u +%H:%M:%S), commit $(git -C "$ROOT" rev-parse --short HEAD)" > run.info
  python3 "$ROOT/bench/results/2026-12-04/latency/checkpoint-storage/poll-checkpoints.py" 1500 > checkpoints.log 2> poller.err &
  POLL=$!
  (cd "$ROOT" && JAVA_OPTS="-Xlog:gc*=info,safepoint=info:file=$AB/$name/gc.log:time,uptime,level,tags" ./seqstream bench --latency-vs-load --kafka.bootstrap "$(cat /tmp/broker/bootstrap)" --out "$AB/$name/out" \
     > "$AB/$name/bench.log" 2>&1) &
  BENCH=$!
  sleep 8
  JPID=$(pgrep -f 'io.seqstream.*latency-vs-load' | head -1)
  python3 "$AB/stackpoll.py" "$JPID" 1500 > stacks.log &
  wait $BENCH
  kill $POLL 2>/dev/null
  sleep 2
  cd "$AB"
done
