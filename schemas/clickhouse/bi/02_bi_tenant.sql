-- Once per tenant, as an administrator: {{tenant}} (letters, digits, _), {{password_sha256}} (hex
-- sha256 of the BI password, which never appears here) and {{min_count}} (suppression, default 5).
-- Render with schemas/clickhouse/bi/render-bi-tenant-sql.ts. The tenant's BI user sees only the
-- views of its own database, which fix the tenant and the minimum count; it cannot pass others.
CREATE DATABASE IF NOT EXISTS revisit_bi_{{tenant}};
CREATE VIEW IF NOT EXISTS revisit_bi_{{tenant}}.footfall_hourly DEFINER = revisit_bi_definer SQL SECURITY DEFINER
    AS SELECT * FROM default.bi_footfall_hourly(tenant = '{{tenant}}', min_count = {{min_count}});
CREATE VIEW IF NOT EXISTS revisit_bi_{{tenant}}.visitors_daily DEFINER = revisit_bi_definer SQL SECURITY DEFINER
    AS SELECT * FROM default.bi_visitors_daily(tenant = '{{tenant}}', min_count = {{min_count}});
CREATE VIEW IF NOT EXISTS revisit_bi_{{tenant}}.dwell_daily DEFINER = revisit_bi_definer SQL SECURITY DEFINER
    AS SELECT * FROM default.bi_dwell_daily(tenant = '{{tenant}}', min_count = {{min_count}});
CREATE VIEW IF NOT EXISTS revisit_bi_{{tenant}}.camera_transitions_daily DEFINER = revisit_bi_definer SQL SECURITY DEFINER
    AS SELECT * FROM default.bi_camera_transitions_daily(tenant = '{{tenant}}', min_count = {{min_count}});
CREATE USER IF NOT EXISTS bi_{{tenant}} IDENTIFIED WITH sha256_hash BY '{{password_sha256}}'
    DEFAULT DATABASE revisit_bi_{{tenant}} SETTINGS PROFILE 'revisit_bi_readonly';
GRANT SELECT ON revisit_bi_{{tenant}}.* TO bi_{{tenant}};
-- Defence in depth: should anyone grant this user a table, it still sees only its tenant's rows.
CREATE ROW POLICY IF NOT EXISTS bi_{{tenant}}_rows ON default.visits, default.footfall_hourly, default.visitors_daily, default.camera_transitions_daily
    FOR SELECT USING tenant = '{{tenant}}' TO bi_{{tenant}};
