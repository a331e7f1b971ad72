package io.backupkit.bench;

import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.Status;
import io.backupkit.core.BackupEngine;
import io.backupkit.core.Compression;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The engine's side of one measurement, run by {@link Benchmark} in a child JVM of its own so that the
 * JVM's peak RSS is the engine's:
 *
 * <pre>
 * Runner backup  --state DIR --root DIR --server ID --compression NONE|ZSTD
 * Runner restore --state DIR --root DIR --server ID --backup BACKUP_ID
 * </pre>
 *
 * The {@code files} module has one root, {@code data}, at {@code --root}: the data set for a backup, the
 * restore target for a restore. The last line on stdout is {@code RESULT key=value ...}: the engine
 * call's wall time, the backup's id and archive size, and the JVM's VmHWM, CPU and GC time at the end.
 * A failure prints its message on stderr and exits with 2.
 */
public final class Runner {
    /** The files module's root name in every benchmark backup. */
    static final String ROOT = "data";

    private Runner() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("serve")) {
            serve();
            return;
        }
        try {
            System.out.println(run(List.of(args)));
        } catch (Exception | Error e) {
            System.err.println("Runner failed: " + e);
            e.printStackTrace();
            System.exit(2);
        }
    }

    /**
     * A long-running host: reads one command per line from stdin (the arguments of {@link #main}, split at
     * spaces), runs it in this JVM and prints its {@code RESULT} line, or {@code FAILED <message>}. This
     * is how an application embeds the engine: the JVM and its compiled code outlive each operation.
     * Ends at the end of stdin.
     */
    private static void serve() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                try {
                    System.out.println(run(List.of(line.strip().split(" "))));
                } catch (Exception | Error e) {
                    e.printStackTrace();
                    System.out.println("FAILED " + e.toString().replace('\n', ' '));
                }
                System.out.flush();
            }
        } catch (IOException e) {
            System.err.println("Runner failed: " + e);
            System.exit(2);
        }
    }

    static String run(List<String> args) throws IOException {
        long cpuBefore = cpuMillis();
        long gcMillisBefore = 0;
        long gcCountBefore = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMillisBefore += Math.max(0, gc.getCollectionTime());
            gcCountBefore += Math.max(0, gc.getCollectionCount());
        }
        if (args.isEmpty() || !(args.get(0).equals("backup") || args.get(0).equals("restore"))) {
            throw new IllegalArgumentException("The first argument must be 'backup' or 'restore' (got " + args + ")");
        }
        String operation = args.get(0);
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.size(); i += 2) {
            options.put(args.get(i), args.get(i + 1));
        }
        Path state = Path.of(required(options, "--state"));
        Path root = Path.of(required(options, "--root"));
        long serverId = Long.parseLong(required(options, "--server"));
        Compression compression = Compression.valueOf(options.getOrDefault("--compression", "NONE"));

        Map<String, String> result = new LinkedHashMap<>();
        try (BackupEngine engine = BackupEngine.builder()
                .stateDirectory(state)
                .device("bench-device", "backupkit-bench", "BENCH-0001", "0")
                .compression(compression)
                .moduleConfig("files", Map.of("root." + ROOT, root.toString()))
                .build()) {
            long started = System.nanoTime();
            if (operation.equals("backup")) {
                CompletedBackup backup = engine.backup(serverId, "bench", "backupkit benchmark", ContentInfo.everything());
                long nanos = System.nanoTime() - started;
                if (backup.status() != Status.COMPLETED) {
                    throw new IllegalStateException("Backup '" + backup.id() + "' ended " + backup.status().wire());
                }
                result.put("op-nanos", Long.toString(nanos));
                result.put("backup-id", backup.id());
                result.put("archive-bytes", Long.toString(backup.size()));
            } else {
                String backupId = required(options, "--backup");
                OperationInfo info = engine.restore(serverId, backupId, null);
                long nanos = System.nanoTime() - started;
                if (info.status() != Status.COMPLETED) {
                    throw new IllegalStateException("Restore of backup '" + backupId + "' ended " + info.status().wire()
                            + ": " + info.statusMessage());
                }
                result.put("op-nanos", Long.toString(nanos));
            }
        }
        result.put("vmhwm-kb", Long.toString(vmHwmKb(Path.of("/proc/self/status"))));
        result.put("cpu-ms", Long.toString(cpuMillis() - cpuBefore));
        long gcMillis = 0;
        long gcCount = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMillis += Math.max(0, gc.getCollectionTime());
            gcCount += Math.max(0, gc.getCollectionCount());
        }
        result.put("gc-ms", Long.toString(gcMillis - gcMillisBefore));
        result.put("gc-count", Long.toString(gcCount - gcCountBefore));
        StringBuilder line = new StringBuilder("RESULT");
        result.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        return line.toString();
    }

    /** VmHWM (peak resident set) in KiB from a {@code /proc/<pid>/status} file; -1 when unreadable. */
    static long vmHwmKb(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring("VmHWM:".length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone, or this is not Linux
        }
        return -1;
    }

    private static long cpuMillis() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1_000_000;
        }
        return -1;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "Missing option '%s'", name));
        }
        return value;
    }
}
