#!/usr/bin/env bash
# Shared by cluster.sh, submit.sh and flink.sh: where things are, and the two classpaths.
#   cluster classpath: Flink's own jars (JobManager, TaskManager, CLI), from cluster-classpath/pom.xml
#   tools classpath:   this module's classes and dependencies (broker process, cluster and submit CLIs)
# Both are resolved by the module's build (mvn -B -pl deploy -am package -DskipTests).

DEPLOY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TARGET_DIR="$DEPLOY_DIR/target"
CLUSTER_CP_FILE="$TARGET_DIR/cluster.classpath"
TOOLS_CP_FILE="$TARGET_DIR/tools.classpath"
export SEQSTREAM_RUN_DIR="${SEQSTREAM_RUN_DIR:-$DEPLOY_DIR/run}"
export SEQSTREAM_JOB_JAR="${SEQSTREAM_JOB_JAR:-$TARGET_DIR/seqstream-job.jar}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

require_build() {
  local f
  for f in "$CLUSTER_CP_FILE" "$TOOLS_CP_FILE" "$TARGET_DIR/classes/io/seqstream/deploy/FlinkRest.class"; do
    [[ -f "$f" ]] || die "$f is missing: build first with
  cd $(dirname "$DEPLOY_DIR") && mvn -B -pl deploy -am package -DskipTests"
  done
}

tools_classpath() {
  echo "$TARGET_DIR/classes:$(cat "$TOOLS_CP_FILE")"
}

cluster_classpath() {
  cat "$CLUSTER_CP_FILE"
}

# Runs a deploy CLI class with the tools classpath and quiet logging.
run_tool() {
  local main="$1"
  shift
  exec "$JAVA" -Dlog4j2.configurationFile=seqstream-deploy-log4j2.xml -cp "$(tools_classpath)" "$main" "$@"
}
