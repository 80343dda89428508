/** Queries covering every node the parser builds: the printer's round-trip cases, in unit tests and against ClickHouse's own parser. */

export const PRINTER_CASES = [
  'SELECT 1',
  "SELECT 'it''s', 'back\\\\slash', 'tab\\tnew\\nline\\0', 'unicode é ✓ \u200d', '`', '\"'",
  'SELECT -1, - -1, -(1), -(-1), (-1)[1], -1[1], -x[1], 1 - -1, .5, 1e10, 0x1f, 18446744073709551615',
  'SELECT NULL, true, false, `we``ird`, "dq""name", t.`a b`, db.t.c, t.*, *',
  'SELECT f(), f(a, b), quantile(0.5)(x), quantiles(0.25, 0.75)(x), count(DISTINCT x), count(*), countIf(x > 1)',
  'SELECT NOT a, NOT NOT a, a AND b AND c, a OR b OR (c AND d), (a OR b) AND c',
  'SELECT a + b - c, a * (b + c), a / b % c, a || b || c, (a + b) * c - d',
  "SELECT a = b, a != b, a < b, a <= b, a > b, a >= b, a LIKE 'x%', a NOT ILIKE 'y'",
  'SELECT a IN (1, 2), a NOT IN (SELECT 1), (a, b) IN ((1, 2), (3, 4)), a IN (), a BETWEEN 1 AND 2, a NOT BETWEEN b + 1 AND c',
  'SELECT a IS NULL, a IS NOT NULL, a IS NULL IS NULL',
  'SELECT CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END, CASE x WHEN 1 THEN 2 END, a ? b : (c ? d : e)',
  "SELECT CAST(x AS Nullable(String)), x::Decimal(10, 2), CAST(x AS Tuple(a UInt8, `b c` String)), CAST(x AS Enum8('a' = 1, 'b' = -2)), CAST(x AS DateTime64(3, 'UTC'))",
  "SELECT INTERVAL 1 DAY, INTERVAL '2' HOUR, now() - INTERVAL (1 + 1) MONTH",
  'SELECT [], [1, [2, 3]], (1, (2, 3)), a[1][2], (SELECT 1), (SELECT 1)[1]',
  'WITH d AS (SELECT 1 AS x), (SELECT 2) AS y, 3 AS z SELECT x, y, z FROM d',
  'SELECT DISTINCT a AS b FROM t AS u, v CROSS JOIN w LEFT JOIN (SELECT 1) AS s ON u.a = s.a RIGHT JOIN x USING (a, b) FULL JOIN y ON 1 INNER JOIN z USING c',
  'SELECT a FROM t WHERE b GROUP BY a, b WITH CUBE WITH TOTALS HAVING c ORDER BY a ASC NULLS FIRST, b DESC, c LIMIT 10 OFFSET 5',
  'SELECT 1 UNION ALL SELECT 2 UNION DISTINCT (SELECT 3 UNION ALL SELECT 4) UNION ALL SELECT 5 ORDER BY 1 LIMIT 1',
  'SELECT 1 UNION ALL WITH a AS (SELECT 1) SELECT * FROM a',
  'SELECT * FROM (SELECT * FROM (SELECT 1) AS a) AS b WHERE x IN (SELECT y FROM c WHERE z = (SELECT 1))',
];
