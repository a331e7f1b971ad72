package io.backupkit.modules.sqlite;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Test helpers: run SQL on a database file, dump its rows, check it. */
final class Databases {
    private Databases() {
    }

    static Connection open(Path db) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + db);
    }

    static void sql(Path db, String... statements) throws SQLException {
        try (Connection c = open(db); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    static long queryLong(Path db, String query) throws SQLException {
        try (Connection c = open(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String integrity(Path db) throws SQLException {
        try (Connection c = open(db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** {@code <prefix>/<table>/<rowid>} to the row's values, for every table; empty when the file is missing. */
    static Map<String, byte[]> rows(Path db, String prefix) throws SQLException {
        Map<String, byte[]> rows = new TreeMap<>();
        if (!Files.isRegularFile(db)) {
            return rows;
        }
        try (Connection c = open(db); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT rowid, * FROM \"" + table + "\"")) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 2; i <= columns; i++) {
                            Object value = rs.getObject(i);
                            row.append(value instanceof byte[] b ? "x'" + HexFormat.of().formatHex(b) + "'" : value)
                                    .append('|');
                        }
                        rows.put(prefix + "/" + table + "/" + rs.getLong(1), row.toString().getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return rows;
    }
}
