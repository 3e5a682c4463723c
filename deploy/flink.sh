#!/usr/bin/env bash
# Flink's own command line (org.apache.flink.client.cli.CliFrontend, what bin/flink runs) against the local
# cluster, from Maven-resolved jars. Same jar, same arguments as with a real `flink` binary:
#   deploy/flink.sh run -d -p 2 deploy/target/seqstream-job.jar --config deploy/run/job.properties --model.path m.zip
#   deploy/flink.sh list
#   deploy/flink.sh stop --savepointPath file:///tmp/sp JOB_ID
#   deploy/flink.sh run -d -s SAVEPOINT deploy/target/seqstream-job.jar ...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'USAGE'
usage: flink.sh [--run-dir DIR | --conf-dir DIR] FLINK-CLI-ARGS...

Runs Flink's CLI with FLINK_CONF_DIR = the local cluster's conf dir (DIR/conf), or --conf-dir DIR for any
cluster (a folder with a config.yaml naming rest.address and rest.port). Everything else goes to the CLI:
run, list, cancel, stop, savepoint, info (flink.sh --help shows Flink's own help).
USAGE
}

conf_dir=""
run_dir="$SEQSTREAM_RUN_DIR"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --run-dir) run_dir="${2:?--run-dir needs a value}"; shift 2 ;;
    --conf-dir) conf_dir="${2:?--conf-dir needs a value}"; shift 2 ;;
    -h|help) usage; exit 0 ;;
    *) break ;;
  esac
done
[[ $# -gt 0 ]] || { usage >&2; exit 2; }
require_build
conf_dir="${conf_dir:-$run_dir/conf}"
[[ -f "$conf_dir/config.yaml" ]] || die "no config.yaml in $conf_dir: start a cluster (cluster.sh start) or pass --conf-dir"

# The JVM options Flink's bin/flink reads from config.yaml (one line each, as the cluster writes them).
java_opts() {
  sed -n "s/^$1: *//p" "$conf_dir/config.yaml" | sed "s/^'\(.*\)'\$/\1/"
}
log_dir="${run_dir}/logs"
[[ -d "$log_dir" ]] || log_dir="${TMPDIR:-/tmp}"
log4j_cli="$conf_dir/log4j-cli.properties"
[[ -f "$log4j_cli" ]] || log4j_cli=""

# shellcheck disable=SC2046 # the options are space-separated words
FLINK_CONF_DIR="$conf_dir" exec "$JAVA" $(java_opts env.java.opts.all) $(java_opts env.java.opts.client) \
  -Dlog.file="$log_dir/flink-client.log" \
  ${log4j_cli:+-Dlog4j.configurationFile=file:$log4j_cli} \
  -cp "$(cluster_classpath)" org.apache.flink.client.cli.CliFrontend "$@"
