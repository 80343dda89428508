// Connects to Revisit's BI listener with the official ClickHouse JDBC driver, as DBeaver or Metabase
// would: lists tables and columns through DatabaseMetaData, reads bi_visitors_daily, tries a raw table.
// Usage: java -cp 'libs/*:<classes>' BiJdbcClient JDBC_URL API_KEY. Prints one JSON object; a step
// that fails reports "error: <message>" in its place.
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

public class BiJdbcClient {
  interface Step {
    String run() throws SQLException;
  }

  static String quote(String s) {
    if (s == null) return "null";
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "") + "\"";
  }

  static String list(List<String> items) {
    return "[" + String.join(",", items) + "]";
  }

  static String attempt(Step step) {
    try {
      return step.run();
    } catch (SQLException e) {
      return quote("error: " + e.getMessage());
    }
  }

  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.setProperty("user", "bi");
    props.setProperty("password", args[1]);
    Map<String, String> out = new LinkedHashMap<>();
    try (Connection conn = DriverManager.getConnection(args[0], props)) {
      DatabaseMetaData meta = conn.getMetaData();
      out.put("product", attempt(() -> quote(meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion())));
      out.put("tables", attempt(() -> {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = meta.getTables(null, null, "%", null)) {
          while (rs.next()) tables.add(quote(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME")));
        }
        return list(tables);
      }));
      out.put("columns", attempt(() -> {
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = meta.getColumns(null, null, "bi_visitors_daily", "%")) {
          while (rs.next()) columns.add(quote(rs.getString("COLUMN_NAME")));
        }
        return list(columns);
      }));
      out.put("visitors_daily", attempt(() -> {
        List<String> rows = new ArrayList<>();
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT site_id, local_date, visitors FROM bi_visitors_daily ORDER BY site_id, local_date")) {
          while (rs.next()) {
            Object visitors = rs.getObject("visitors");
            rows.add(list(List.of(quote(rs.getString("site_id")), quote(rs.getString("local_date")), visitors == null ? "null" : visitors.toString())));
          }
        }
        return list(rows);
      }));
      out.put("raw", attempt(() -> {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT identity_id FROM visits")) {
          return quote("accepted");
        }
      }));
    }
    List<String> fields = new ArrayList<>();
    out.forEach((k, v) -> fields.add(quote(k) + ":" + v));
    System.out.println("{" + String.join(",", fields) + "}");
  }
}
