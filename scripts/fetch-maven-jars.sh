#!/usr/bin/env bash
# Fetches a test component's jars from Maven Central into test/<component>/libs, as its pom.xml lists them:
#   kafka — the Apache Kafka broker (real-Kafka tests); jdbc — the ClickHouse JDBC driver (BI listener test).
set -euo pipefail
component=${1:?usage: fetch-maven-jars.sh kafka|jdbc}
case "$component" in
  kafka) marker='kafka_2.13-*.jar'; javatool=java; apt=openjdk-17-jre-headless ;;
  jdbc) marker='jdbc-v2-*.jar'; javatool=javac; apt=openjdk-17-jdk-headless ;;
  *) echo "fetch-maven-jars: unknown component '$component' (kafka or jdbc)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/../test/$component"
# The stamp is the pom's hash: a version bump in the pom refetches, a repeat run is instant.
stamp=libs/.pom.sha256
want="$(sha256sum pom.xml | cut -d' ' -f1)"
# shellcheck disable=SC2086 # the marker is a glob on purpose
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && ls libs/$marker >/dev/null 2>&1; then exit 0; fi
command -v mvn >/dev/null || { echo "fetch-maven-jars: mvn not found (apt-get install -y maven)" >&2; exit 1; }
command -v "$javatool" >/dev/null || { echo "fetch-maven-jars: $javatool not found (apt-get install -y $apt)" >&2; exit 1; }
rm -rf libs
# Debian's Maven 3.8 prints stray colour resets even in batch mode: strip them, keep errors.
mvn -q -B dependency:copy-dependencies 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
echo "$want" > "$stamp"
# shellcheck disable=SC2086
echo "$component jars in test/$component/libs: $(ls libs/$marker | xargs -n1 basename | tr '\n' ' ')"
