package io.backupkit.examples;

import io.backupkit.api.Server;
import io.backupkit.core.BackupEngine;
import io.backupkit.core.JsonCodec;
import io.backupkit.http.BackupHttpServer;
import io.backupkit.http.HttpSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The HTTP API: an engine with the local filer and the {@code files} module on sample data in a
 * temporary directory, served on {@code 127.0.0.1} and a free port. It prints the token and
 * {@code curl} lines that work as printed, then serves until Enter is pressed (or for the number of
 * seconds given as the first argument).
 *
 * <p>Run it with {@code mvn -B -q -pl backup-examples exec:java@http} (add {@code -Dexec.args=60} to
 * serve for a minute instead).
 */
public final class HttpServerExample {
    private HttpServerExample() {
    }

    /** A running example: the engine, its API, and the curl lines printed for it. */
    record Running(BackupEngine engine, BackupHttpServer server, List<String> curlLines) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            engine.close();
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Duration timeout = args.length > 0 ? Duration.ofSeconds(Long.parseLong(args[0])) : null;
        Path work = Files.createTempDirectory("backupkit-http");
        try (Running running = start(work, System.out)) {
            if (timeout != null) {
                System.out.println("Serving for " + timeout.toSeconds() + " s");
                Thread.sleep(timeout.toMillis());
            } else {
                System.out.println("Press Enter to stop");
                System.in.read(); // Enter, or the end of the input
            }
        }
    }

    /** Starts the engine and its API in {@code work} and prints the token and the curl lines. */
    static Running start(Path work, PrintStream out) throws IOException {
        Path etc = work.resolve("sample/etc");
        Path data = work.resolve("sample/data");
        Files.createDirectories(etc);
        Files.createDirectories(data);
        Files.writeString(etc.resolve("app.conf"), "listen=8080\n");
        Files.writeString(data.resolve("notes.txt"), "Backed up over HTTP\n");

        BackupEngine engine = BackupEngine.builder()
                .stateDirectory(work.resolve("state"))
                .device("device-0042", "NX-200", "SN-2024-000042", "4.2.1")
                .moduleConfig("files", Map.of(
                        "root.etc", etc.toString(), "root.etc.type", "config",
                        "root.data", data.toString()))
                .build();
        BackupHttpServer server;
        try {
            server = BackupHttpServer.start(engine, new InetSocketAddress("127.0.0.1", 0), HttpSettings.DEFAULTS);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }

        String base = server.baseUri().toString();
        String auth = "curl -sS -H " + quote("Authorization: Bearer " + server.token());
        String json = " -H " + quote("Content-Type: application/json") + " -d ";
        String filer = new String(new JsonCodec().writeCompact(new Server(null, "local", "Local filer", "", 22,
                work.resolve("filer").toString(), "", null, null)), StandardCharsets.UTF_8);
        List<String> curl = List.of(
                auth + " " + base + "/device_status",
                auth + json + quote(filer) + " " + base + "/servers",
                auth + json + quote("{\"name\":\"first\",\"desc\":\"Started with curl\"}") + " " + base
                        + "/backups/server/1",
                auth + " " + base + "/backups/server/1");

        out.println("Backup API at " + base);
        out.println("Token: " + server.token());
        out.println("Device status, create a local filer (server 1), start a backup to it, list its backups:");
        curl.forEach(line -> out.println("  " + line));
        return new Running(engine, server, curl);
    }

    /** The text as one single-quoted shell word. */
    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
