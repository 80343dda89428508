#!/usr/bin/env bash
# Fetches the Apache Kafka broker jars from Maven Central into test/kafka/libs (for real-Kafka tests).
set -euo pipefail
cd "$(dirname "$0")/../test/kafka"
# The stamp is the pom's hash: a version bump in the pom refetches, a repeat run is instant.
stamp=libs/.pom.sha256
want="$(sha256sum pom.xml | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && ls libs/kafka_2.13-*.jar >/dev/null 2>&1; then exit 0; fi
command -v mvn >/dev/null || { echo "fetch-kafka: mvn not found (apt-get install -y maven)" >&2; exit 1; }
command -v java >/dev/null || { echo "fetch-kafka: java not found (apt-get install -y openjdk-17-jre-headless)" >&2; exit 1; }
rm -rf libs
# Debian's Maven 3.8 prints stray colour resets even in batch mode: strip them, keep errors.
mvn -q -B dependency:copy-dependencies 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
echo "$want" > "$stamp"
echo "kafka jars in test/kafka/libs: $(ls libs/kafka_2.13-*.jar | xargs -n1 basename)"
