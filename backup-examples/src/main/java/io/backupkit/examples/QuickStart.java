package io.backupkit.examples;

import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.Server;
import io.backupkit.core.BackupEngine;
import io.backupkit.core.JsonCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The quick start: sample host data, an engine with the local filer and the {@code files} module, a
 * backup with progress, the list of backups, a change, a restore, a byte-for-byte check, and the
 * {@code device_status} as the spec's JSON.
 */
public final class QuickStart {
    private QuickStart() {
    }

    public static void main(String[] args) throws IOException {
        Path work = Files.createTempDirectory("backupkit-quickstart");
        boolean same = run(work, System.out);
        System.out.println(same ? "OK: the restored data is identical" : "FAILED: the restored data differs");
        if (!same) {
            System.exit(1);
        }
    }

    /** Runs the tour in {@code work}; true when the restored data equals the original byte for byte. */
    static boolean run(Path work, PrintStream out) throws IOException {
        // 1. Sample host data: configuration and application data
        Path etc = work.resolve("host/etc");
        Path data = work.resolve("host/data");
        Files.createDirectories(etc);
        Files.createDirectories(data.resolve("uploads"));
        Files.writeString(etc.resolve("app.conf"), "listen=8080\nlog=info\n");
        Files.write(data.resolve("uploads/photo.jpg"), new byte[256 * 1024]);
        Map<String, byte[]> original = read(work.resolve("host"));

        // 2. An engine: its state directory, the device identity, and the files module's roots
        // [embed]
        try (BackupEngine engine = BackupEngine.builder()
                .stateDirectory(work.resolve("state"))
                .device("device-0042", "NX-200", "SN-2024-000042", "4.2.1")
                .moduleConfig("files", Map.of(
                        "root.etc", etc.toString(), "root.etc.type", "config",
                        "root.data", data.toString()))
                .build()) {
            engine.addListener(event -> out.printf("  %-7s %3d%% %s%n", event.operationType().wire(),
                    event.total() == 0 ? 100 : event.completed() * 100 / event.total(), event.message()));

            // A local directory as the backup server ("filer"): empty host, absolute path
            Server filer = engine.createServer(new Server(null, "local", "Local filer", "", 22,
                    work.resolve("filer").toString(), "", null, null));

            CompletedBackup backup = engine.backup(filer.id(), "first", "Quick start backup", ContentInfo.everything());
            // [/embed]
            out.println("Backed up " + backup.size() + " bytes as " + backup.id());
            out.println("On the filer:");
            engine.backups(filer.id()).completed().forEach(b ->
                    out.println("  " + b.id() + " " + b.name() + " " + b.status().wire() + " " + b.size() + " bytes"));

            // 3. Change the data, then restore
            Files.writeString(etc.resolve("app.conf"), "listen=9090\n");
            Files.delete(data.resolve("uploads/photo.jpg"));
            // [restore]
            OperationInfo restored = engine.restore(filer.id(), backup.id(), null);
            // [/restore]
            out.println("Restore: " + restored.status().wire());

            out.println("device_status:");
            out.println(new JsonCodec().write(engine.deviceStatus()));
        }
        return equal(original, read(work.resolve("host")));
    }

    private static Map<String, byte[]> read(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static boolean equal(Map<String, byte[]> a, Map<String, byte[]> b) {
        return a.keySet().equals(b.keySet()) && a.keySet().stream().allMatch(k -> Arrays.equals(a.get(k), b.get(k)));
    }
}
