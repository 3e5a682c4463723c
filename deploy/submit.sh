#!/usr/bin/env bash
# The job's life cycle through Flink's REST API: upload, run (also from a savepoint), list, status, cancel,
# stop with a savepoint. Works against the local cluster (--run-dir) or any Flink 2.x cluster (--rest URL).
# Implementation: io.seqstream.deploy.SubmitCli / FlinkRest (the end-to-end test uses the same client).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'USAGE'
usage: submit.sh [--rest URL | --run-dir DIR] COMMAND [options] [-- JOB ARGS...]

  submit.sh run --parallelism 2 -- --config deploy/run/job.properties --model.path model.zip
  submit.sh list
  submit.sh stop JOB_ID                                   # prints the savepoint path
  submit.sh run --from-savepoint PATH --parallelism 4 -- --config ... --model.path ...
  submit.sh cancel JOB_ID

Commands: upload, run, list, status, cancel, stop, savepoint, jars, delete-jar (submit.sh --help for all).
Default jar: deploy/target/seqstream-job.jar (or $SEQSTREAM_JOB_JAR). Build first:
  mvn -B -pl deploy -am package -DskipTests
USAGE
}

case "${1:-}" in
  "") usage >&2; exit 2 ;;
  -h|help) usage; exit 0 ;;
esac
require_build
run_tool io.seqstream.deploy.SubmitCli "$@"
