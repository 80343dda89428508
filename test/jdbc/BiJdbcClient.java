// Connects to Revisit's BI listener with the official ClickHouse JDBC driver, as DBeaver or Metabase would:
// lists the tables through DatabaseMetaData and reads bi_visitors_daily. Prints one JSON object.
// Usage: java -cp 'libs/*:<classes>' BiJdbcClient JDBC_URL API_KEY
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

public class BiJdbcClient {
  private static String quote(String s) {
    if (s == null) return "null";
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private static String list(List<String> items) {
    return "[" + String.join(",", items) + "]";
  }

  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.setProperty("user", "bi");
    props.setProperty("password", args[1]);
    List<String> out = new ArrayList<>();
    try (Connection conn = DriverManager.getConnection(args[0], props)) {
      DatabaseMetaData meta = conn.getMetaData();
      out.add("\"product\":" + quote(meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion()));
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = meta.getTables(null, null, "%", null)) {
        while (rs.next()) tables.add(quote(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME")));
      }
      out.add("\"tables\":" + list(tables));
      List<String> columns = new ArrayList<>();
      try (ResultSet rs = meta.getColumns(null, null, "bi_visitors_daily", "%")) {
        while (rs.next()) columns.add(quote(rs.getString("COLUMN_NAME")));
      }
      out.add("\"columns\":" + list(columns));
      List<String> rows = new ArrayList<>();
      try (Statement st = conn.createStatement();
           ResultSet rs = st.executeQuery("SELECT site_id, local_date, visitors FROM bi_visitors_daily ORDER BY site_id, local_date")) {
        while (rs.next()) {
          Object visitors = rs.getObject("visitors");
          rows.add(list(List.of(quote(rs.getString("site_id")), quote(rs.getString("local_date")), visitors == null ? "null" : visitors.toString())));
        }
      }
      out.add("\"visitors_daily\":" + list(rows));
      try (Statement st = conn.createStatement()) {
        st.executeQuery("SELECT identity_id FROM visits");
        out.add("\"raw\":\"accepted\"");
      } catch (SQLException e) {
        out.add("\"raw\":" + quote("refused: " + e.getMessage()));
      }
    }
    System.out.println("{" + String.join(",", out) + "}");
  }
}
