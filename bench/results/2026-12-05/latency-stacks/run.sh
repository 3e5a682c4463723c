#!/bin/bash
# One exactly-once run (200 ms checkpoints, 10 % and 50 % load) with the checkpoint poller and the stack poller.
cd "$(dirname "$0")"
D=$(pwd)
python3 ../../2026-12-04/latency/checkpoint-storage/poll-checkpoints.py 400 > checkpoints.log 2> poller.err &
(cd ../../../.. && ./seqstream bench --latency-vs-load --modes exactly-once --intervals 200ms --loads 0.1,0.5 \
   --sustain-steps 3 --seconds 30 --kafka.bootstrap "$(cat /tmp/broker/bootstrap)" --out "$D/out" > "$D/bench.log" 2>&1) &
sleep 8
JPID=$(pgrep -f 'io.seqstream.*latency-vs-load' | head -1)
[ -z "$JPID" ] && JPID=$(pgrep -n java)
echo "jvm $JPID" > stackpoll.info
python3 stackpoll.py "$JPID" 400 > stacks.log
wait
