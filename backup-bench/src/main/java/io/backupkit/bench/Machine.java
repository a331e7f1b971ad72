package io.backupkit.bench;

import io.backupkit.testkit.Commands;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The machine the benchmark ran on, as label/value pairs for the report. */
final class Machine {
    private Machine() {
    }

    /** The 1, 5 and 15 minute load averages, from /proc/loadavg. */
    static String loadAverage() {
        String text = read(Path.of("/proc/loadavg"));
        String[] parts = text.split("\\s+");
        return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : text;
    }

    /** The machine; {@code loadBefore} is the load average when the benchmark started. */
    static Map<String, String> describe(String loadBefore) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("CPU", cpu() + ", nproc " + Runtime.getRuntime().availableProcessors());
        m.put("memory", memory());
        m.put("OS", osName() + ", kernel " + read(Path.of("/proc/sys/kernel/osrelease")));
        m.put("JDK", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version"));
        m.put("OpenSSH", firstLine(List.of("ssh", "-V")));
        m.put("tar", firstLine(List.of("tar", "--version")));
        m.put("zstd", firstLine(List.of("zstd", "--version")));
        m.put("OpenSSL", firstLine(List.of("openssl", "version")));
        m.put("restic", firstLine(List.of("restic", "version")));
        m.put("borg", firstLine(List.of("borg", "--version")));
        m.put("load average", "before " + loadBefore + ", after " + loadAverage()
                + " (1, 5, 15 min; anything else running shares the cores)");
        return m;
    }

    /** This machine's CPU, from /proc/cpuinfo: see {@link #cpu(List)}. */
    static String cpu() {
        return cpu(lines(Path.of("/proc/cpuinfo")));
    }

    /**
     * The CPU described by the first processor of a /proc/cpuinfo text: its model name as the kernel
     * reports it (a VM may show a generic one, such as "AMD EPYC"), then what tells such a CPU apart and
     * what the benchmark's work depends on: vendor, family, model and stepping, the SHA, AES, AVX2 and
     * AVX-512 extensions it has, and whether it runs under a hypervisor. For example {@code Intel(R)
     * Xeon(R) Processor (GenuineIntel family 6 model 167 stepping 1; SHA-NI, AES-NI, AVX2, AVX-512; virtual
     * machine)}.
     */
    static String cpu(List<String> cpuinfo) {
        Map<String, String> first = new LinkedHashMap<>();
        for (String line : cpuinfo) {
            if (line.isBlank() && !first.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                first.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        List<String> details = new ArrayList<>();
        StringBuilder identity = new StringBuilder(first.getOrDefault("vendor_id", ""));
        for (String field : List.of("cpu family", "model", "stepping")) {
            if (first.containsKey(field)) {
                identity.append(identity.length() == 0 ? "" : " ").append(field.replace("cpu ", "")).append(' ')
                        .append(first.get(field));
            }
        }
        if (identity.length() > 0) {
            details.add(identity.toString());
        }
        List<String> flags = List.of(first.getOrDefault("flags", "").split("\\s+"));
        List<String> extensions = new ArrayList<>();
        Map<String, String> names = new LinkedHashMap<>();
        names.put("sha_ni", "SHA-NI");
        names.put("aes", "AES-NI");
        names.put("avx2", "AVX2");
        names.put("avx512f", "AVX-512");
        names.forEach((flag, name) -> {
            if (flags.contains(flag)) {
                extensions.add(name);
            }
        });
        if (!extensions.isEmpty()) {
            details.add(String.join(", ", extensions));
        }
        if (flags.contains("hypervisor")) {
            details.add("virtual machine");
        }
        String name = first.getOrDefault("model name", "unknown CPU");
        return details.isEmpty() ? name : name + " (" + String.join("; ", details) + ")";
    }

    private static String memory() {
        for (String line : lines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
            }
        }
        return "unknown";
    }

    private static String osName() {
        for (String line : lines(Path.of("/etc/os-release"))) {
            if (line.startsWith("PRETTY_NAME=")) {
                return line.substring("PRETTY_NAME=".length()).replace("\"", "");
            }
        }
        return System.getProperty("os.name");
    }

    private static String firstLine(List<String> command) {
        if (!Benchmark.onPath(command.get(0))) {
            return "not installed";
        }
        Commands.Result r = Commands.run(Duration.ofSeconds(10), command);
        String text = (r.stdout() + "\n" + r.stderr()).strip();
        // zstd decorates its version line with asterisks
        return text.isEmpty() ? "unknown" : text.lines().findFirst().orElse("unknown").replace("***", "").strip();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
