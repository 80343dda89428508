"""Drives the embedded BI endpoint with clickhouse-connect (a real ClickHouse client, not @clickhouse/client).

Usage: bi-clickhouse-connect.py PORT API_KEY. Prints one JSON object with what each step saw.
"""
import json
import sys

import clickhouse_connect
from clickhouse_connect.driver.exceptions import DatabaseError

port, key = int(sys.argv[1]), sys.argv[2]
client = clickhouse_connect.get_client(
    host="127.0.0.1", port=port, username="bi", password=key, proxy_path="bi", compress=False, autogenerate_session_id=False
)
out = {"server_version": client.server_version}
hourly = client.query("SELECT site_id, toString(local_date) AS d, local_hour, visitors, visits FROM bi_footfall_hourly ORDER BY d, local_hour")
out["hourly_columns"] = list(hourly.column_names)
out["hourly"] = [list(r) for r in hourly.result_rows]
out["daily_rate"] = client.query("SELECT returning_visit_rate FROM bi_visitors_daily").result_rows[0][0]
out["tables"] = [r[0] for r in client.query("SELECT name FROM system.tables ORDER BY name").result_rows]
for name, sql in [("drop", "DROP TABLE visits"), ("raw_visits", "SELECT identity_id FROM visits"), ("system", "SELECT * FROM system.processes")]:
    try:
        client.query(sql)
        out[name] = "accepted"
    except DatabaseError as err:
        out[name] = "refused: " + str(err).splitlines()[0][:200]
try:
    client.command("INSERT INTO visits (site_id) VALUES ('x')")
    out["insert"] = "accepted"
except DatabaseError as err:
    out["insert"] = "refused"
print(json.dumps(out))
