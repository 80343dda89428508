#!/usr/bin/env bash
# Fetches the official ClickHouse JDBC driver and its dependencies from Maven Central into test/jdbc/libs (BI listener test).
set -euo pipefail
cd "$(dirname "$0")/../test/jdbc"
# The stamp is the pom's hash: a version bump in the pom refetches, a repeat run is instant.
stamp=libs/.pom.sha256
want="$(sha256sum pom.xml | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && ls libs/jdbc-v2-*.jar >/dev/null 2>&1; then exit 0; fi
command -v mvn >/dev/null || { echo "fetch-jdbc: mvn not found (apt-get install -y maven)" >&2; exit 1; }
command -v javac >/dev/null || { echo "fetch-jdbc: javac not found (apt-get install -y openjdk-17-jdk-headless)" >&2; exit 1; }
rm -rf libs
# Debian's Maven 3.8 prints stray colour resets even in batch mode: strip them, keep errors.
mvn -q -B dependency:copy-dependencies 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
echo "$want" > "$stamp"
echo "jdbc jars in test/jdbc/libs: $(ls libs/clickhouse-jdbc-*.jar libs/jdbc-v2-*.jar | xargs -n1 basename | tr '\n' ' ')"
