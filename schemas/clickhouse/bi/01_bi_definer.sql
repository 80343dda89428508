-- Once per ClickHouse server, as an administrator, after `revisit migrate`. The definer owns the
-- per-tenant BI views (SQL SECURITY DEFINER): BI users never get rights on the tables themselves.
-- It cannot log in (HOST NONE). Replace revisit_service with the user the Revisit services use.
CREATE USER IF NOT EXISTS revisit_bi_definer IDENTIFIED WITH no_password HOST NONE;
GRANT SELECT ON default.visits TO revisit_bi_definer;
GRANT SELECT ON default.footfall_hourly TO revisit_bi_definer;
GRANT SELECT ON default.visitors_daily TO revisit_bi_definer;
GRANT SELECT ON default.camera_transitions_daily TO revisit_bi_definer;
GRANT SELECT ON default.bi_footfall_hourly TO revisit_bi_definer;
GRANT SELECT ON default.bi_visitors_daily TO revisit_bi_definer;
GRANT SELECT ON default.bi_dwell_daily TO revisit_bi_definer;
GRANT SELECT ON default.bi_camera_transitions_daily TO revisit_bi_definer;
-- Once a table has a row policy, users without one see no rows: the services and the definer see all.
CREATE ROW POLICY IF NOT EXISTS revisit_all_rows ON default.visits, default.footfall_hourly, default.visitors_daily, default.camera_transitions_daily
    FOR SELECT USING 1 TO revisit_service, revisit_bi_definer;
CREATE SETTINGS PROFILE IF NOT EXISTS revisit_bi_readonly
    SETTINGS readonly = 1 CONST, max_execution_time = 60, max_result_rows = 10000000, max_memory_usage = 2000000000;
