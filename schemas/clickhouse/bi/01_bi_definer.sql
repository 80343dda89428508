-- Once per ClickHouse server, as an administrator, after `revisit migrate` (`revisit migrate --bi`
-- prints or applies it). The definer owns the per-key BI views (SQL SECURITY DEFINER): BI users
-- never get rights on the tables themselves. It cannot log in (HOST NONE). Replace
-- revisit_service with the user the Revisit services use.
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
-- Every BI user runs read-only under these limits, which it cannot change (CONST): a query that
-- would read, hold or return more stops with an error instead of slowing the server.
CREATE SETTINGS PROFILE IF NOT EXISTS revisit_bi_readonly
    SETTINGS readonly = 1 CONST, max_execution_time = 30 CONST, max_memory_usage = 1000000000 CONST,
             max_rows_to_read = 200000000 CONST, max_result_rows = 1000000 CONST, max_result_bytes = 200000000 CONST,
             result_overflow_mode = 'throw' CONST;
-- The BI role: every BI user has it; its quota counts per user (KEYED BY user_name), so one key
-- cannot use up another's: queries, errors, result rows, rows read and execution time per interval.
CREATE ROLE IF NOT EXISTS revisit_bi_reader;
CREATE QUOTA IF NOT EXISTS revisit_bi_quota KEYED BY user_name
    FOR INTERVAL 1 minute MAX queries = 60, errors = 20, result_rows = 2000000, read_rows = 500000000, execution_time = 120,
    FOR INTERVAL 1 hour MAX queries = 1200, errors = 200, result_rows = 20000000, read_rows = 5000000000, execution_time = 1800
    TO revisit_bi_reader;
