-- Once per API key, as an administrator (`revisit migrate --bi` renders it for every key with
-- schemas/clickhouse/bi/render-bi-key-sql.ts). The key's BI user `bi_{{name}}` logs in with the
-- API key itself as its password (only its sha256 is here) and sees only the views of its own
-- database, which fix the tenant, the minimum count and the key's sites ({{site_filter}}: empty
-- for every site of the tenant). It cannot pass other values: the views are all it may read.
CREATE DATABASE IF NOT EXISTS revisit_bi_{{name}};
CREATE OR REPLACE VIEW revisit_bi_{{name}}.footfall_hourly DEFINER = revisit_bi_definer SQL SECURITY DEFINER
    AS SELECT * FROM default.bi_footfall_hourly(tenant = '{{tenant}}', min_count = {{min_count}}){{site_filter}};
CREATE OR REPLACE VIEW revisit_bi_{{name}}.visitors_daily DEFINER = revisit_bi_definer SQL SECURITY DEFINER
    AS SELECT * FROM default.bi_visitors_daily(tenant = '{{tenant}}', min_count = {{min_count}}){{site_filter}};
CREATE OR REPLACE VIEW revisit_bi_{{name}}.dwell_daily DEFINER = revisit_bi_definer SQL SECURITY DEFINER
    AS SELECT * FROM default.bi_dwell_daily(tenant = '{{tenant}}', min_count = {{min_count}}){{site_filter}};
CREATE OR REPLACE VIEW revisit_bi_{{name}}.camera_transitions_daily DEFINER = revisit_bi_definer SQL SECURITY DEFINER
    AS SELECT * FROM default.bi_camera_transitions_daily(tenant = '{{tenant}}', min_count = {{min_count}}){{site_filter}};
CREATE USER IF NOT EXISTS bi_{{name}} IDENTIFIED WITH sha256_hash BY '{{password_sha256}}'
    DEFAULT DATABASE revisit_bi_{{name}} SETTINGS PROFILE 'revisit_bi_readonly';
GRANT SELECT ON revisit_bi_{{name}}.* TO bi_{{name}};
GRANT revisit_bi_reader TO bi_{{name}};
SET DEFAULT ROLE revisit_bi_reader TO bi_{{name}};
-- Defence in depth: should anyone grant this user a table, it still sees only its tenant's rows of its sites.
CREATE ROW POLICY IF NOT EXISTS bi_{{name}}_rows ON default.visits, default.footfall_hourly, default.visitors_daily, default.camera_transitions_daily
    FOR SELECT USING tenant = '{{tenant}}'{{site_condition}} TO bi_{{name}};
