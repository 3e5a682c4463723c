#!/usr/bin/env bash
# A real multi-process Flink session cluster and a Kafka broker on 127.0.0.1, from Maven-resolved jars.
# Implementation: io.seqstream.deploy.cluster.ClusterCli (the end-to-end test drives the same code).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'USAGE'
usage: cluster.sh start|stop|status|add-taskmanager|stop-taskmanager NAME [--run-dir DIR] [options]

  cluster.sh start [--taskmanagers N] [--slots N] [--jm-memory 1024m] [--tm-memory 2048m]
                   [--partitions N] [--no-kafka] [--standby-jobmanagers N] [--flink-conf KEY=VALUE]...
  cluster.sh status        exit 0 when every process is alive, Flink has TaskManagers and Kafka answers
  cluster.sh stop          stops only the processes named by the run folder's pid files

Run folder: --run-dir DIR, else $SEQSTREAM_RUN_DIR, else deploy/run. It holds conf/ (FLINK_CONF_DIR),
logs/, pids/, cluster.properties (ports), job.properties (a job config for this cluster), checkpoints/,
savepoints/. Every option: cluster.sh --help, cluster.sh COMMAND --help (after the build).
Build first: mvn -B -pl deploy -am package -DskipTests
USAGE
}

case "${1:-}" in
  "") usage >&2; exit 2 ;;
  -h|help) usage; exit 0 ;;
esac
require_build

if [[ "$1" == "start" ]] && setsid --help 2>&1 | grep -q -- '--wait'; then
  # A new session: the cluster's processes do not get the terminal's Ctrl-C or hangup once started.
  exec setsid --wait "$JAVA" -Dlog4j2.configurationFile=seqstream-deploy-log4j2.xml -cp "$(tools_classpath)" \
    io.seqstream.deploy.cluster.ClusterCli --cluster-classpath-file "$CLUSTER_CP_FILE" "$@"
fi
run_tool io.seqstream.deploy.cluster.ClusterCli --cluster-classpath-file "$CLUSTER_CP_FILE" "$@"
