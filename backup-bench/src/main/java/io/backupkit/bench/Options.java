package io.backupkit.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's settings, parsed from its command line.
 *
 * @param size the data set's size in bytes
 * @param runs how many times each pair runs
 * @param out where the Markdown report goes
 * @param work the work directory (data sets and a run directory), or null for the default
 * @param rssCheck the size of the single RSS-check backup in bytes, 0 for none
 * @param heap the child JVM's {@code -Xmx} value
 * @param sftp whether to run the SFTP pairs
 * @param peers whether to run the pairs against restic and borg
 * @param seed the data set's seed
 * @param deleteData whether to delete the generated data sets at the end
 * @param classpath the child JVM's class path
 * @param only the keys of the rows to run ({@link Benchmark#ROWS}); empty: every row
 * @param coldJava the JVM options of the fresh-JVM rows, beside {@code -Xmx}
 * @param coldCds whether the fresh-JVM rows use a class-data archive of the engine's classes
 */
record Options(long size, int runs, Path out, Path work, long rssCheck, String heap, Want sftp, Want peers, long seed,
        boolean deleteData, String classpath, Set<String> only, List<String> coldJava, boolean coldCds) {
    /**
     * The fresh-JVM rows' options unless {@code --cold-java} says otherwise: the serial collector, for a
     * short-lived process (the measurements are in README, "The fresh-JVM row", and {@link ColdJvm#EFFECT}).
     */
    static final List<String> COLD_JAVA = List.of("-XX:+UseSerialGC");

    static final String USAGE = String.join("\n",
            "usage: Benchmark [options]",
            "  --size SIZE        data set size, e.g. 512m, 1g (default 1g)",
            "  --runs N           runs of each pair; the median is reported (default 3)",
            "  --out FILE         the Markdown report (default BENCHMARK.md)",
            "  --work DIR         data sets and scratch space (default /dev/shm/backupkit-bench when it has",
            "                     room, else <java.io.tmpdir>/backupkit-bench); data sets are kept and reused",
            "  --rss-check SIZE   one more uncompressed local backup of a data set of SIZE for its peak RSS,",
            "                     or 'off' (default 4g)",
            "  --heap SIZE        -Xmx of the engine's JVM (default 128m)",
            "  --sftp auto|yes|no the SFTP pairs against a local OpenSSH sshd; auto (default): when installed",
            "  --peers auto|yes|no the pairs against restic and borg; auto (default): each one installed",
            "  --only KEY,...     run only these rows (a restore row makes the backup it needs, untimed); keys:",
            wrap(String.join(", ", Benchmark.ROWS), "                     ", 100),
            "  --cold-java OPT,... JVM options of the fresh-JVM rows besides -Xmx, or 'none'",
            "                     (default " + String.join(",", COLD_JAVA) + ")",
            "  --cold-cds on|off  an AppCDS archive of the engine's classes for the fresh-JVM rows, made before",
            "                     them, outside the timing (default on)",
            "  --seed N           the data set's seed (default 20240917)",
            "  --delete-data      delete the data sets at the end instead of keeping them for the next run",
            "  --classpath CP     the engine JVM's class path (default: this JVM's)");

    private static final Pattern SIZE = Pattern.compile("(\\d+)([kmgt]?)(i?b)?");

    /** When optional pairs run (SFTP, peers): when their tools are installed, always (failing without), never. */
    enum Want { AUTO, YES, NO }

    Options {
        if (size < 1 << 20) {
            throw new IllegalArgumentException("The data set must be at least 1 MiB (got " + size + " bytes)");
        }
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1 (got " + runs + ")");
        }
        requireNonNull(out, "out is null");
        if (rssCheck != 0 && rssCheck < 1 << 20) {
            throw new IllegalArgumentException("--rss-check must be at least 1m or 'off' (got " + rssCheck + " bytes)");
        }
        requireNonNull(heap, "heap is null");
        requireNonNull(sftp, "sftp is null");
        requireNonNull(peers, "peers is null");
        requireNonNull(classpath, "classpath is null");
        only = Set.copyOf(only);
        for (String key : only) {
            if (!Benchmark.ROWS.contains(key)) {
                throw new IllegalArgumentException("--only: no row '" + key + "' (rows: " + String.join(", ", Benchmark.ROWS)
                        + ")");
            }
        }
        coldJava = List.copyOf(coldJava);
    }

    /** Whether the row with {@code key} runs. */
    boolean runs(String key) {
        return only.isEmpty() || only.contains(key);
    }

    static Options defaults() {
        return new Options(1L << 30, 3, Path.of("BENCHMARK.md"), null, 4L << 30, "128m", Want.AUTO, Want.AUTO, 20240917L,
                false, System.getProperty("java.class.path"), Set.of(), COLD_JAVA, true);
    }

    static Options parse(List<String> args) {
        Options o = defaults();
        long size = o.size;
        int runs = o.runs;
        Path out = o.out;
        Path work = o.work;
        long rssCheck = o.rssCheck;
        String heap = o.heap;
        Want sftp = o.sftp;
        Want peers = o.peers;
        long seed = o.seed;
        boolean deleteData = o.deleteData;
        String classpath = o.classpath;
        Set<String> only = o.only;
        List<String> coldJava = o.coldJava;
        boolean coldCds = o.coldCds;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--delete-data")) {
                deleteData = true;
                continue;
            }
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("Option '" + arg + "' needs a value or is unknown\n" + USAGE);
            }
            String value = args.get(++i);
            switch (arg) {
                case "--size" -> size = parseSize(arg, value);
                case "--runs" -> runs = parseInt(arg, value);
                case "--out" -> out = Path.of(value);
                case "--work" -> work = Path.of(value);
                case "--rss-check" -> rssCheck = value.equalsIgnoreCase("off") ? 0 : parseSize(arg, value);
                case "--heap" -> heap = value;
                case "--sftp" -> sftp = parseWant(arg, value);
                case "--peers" -> peers = parseWant(arg, value);
                case "--seed" -> seed = parseLong(arg, value);
                case "--classpath" -> classpath = value;
                case "--only" -> only = new LinkedHashSet<>(List.of(value.split(",")));
                case "--cold-java" -> coldJava = value.equals("none") ? List.of() : List.of(value.split(","));
                case "--cold-cds" -> coldCds = switch (value.toLowerCase(Locale.ROOT)) {
                    case "on" -> true;
                    case "off" -> false;
                    default -> throw new IllegalArgumentException("--cold-cds takes on or off (got '" + value + "')");
                };
                default -> throw new IllegalArgumentException("Unknown option '" + arg + "'\n" + USAGE);
            }
        }
        return new Options(size, runs, out, work, rssCheck, heap, sftp, peers, seed, deleteData, classpath, only,
                coldJava, coldCds);
    }

    private static Want parseWant(String option, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "auto" -> Want.AUTO;
            case "yes" -> Want.YES;
            case "no" -> Want.NO;
            default -> throw new IllegalArgumentException(option + " takes auto, yes or no (got '" + value + "')");
        };
    }

    /** {@code text} in lines of at most {@code width} characters, each starting with {@code indent}. */
    static String wrap(String text, String indent, int width) {
        StringBuilder all = new StringBuilder();
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
                all.append(line).append('\n');
                line = new StringBuilder(indent);
            }
            line.append(line.length() > indent.length() ? " " : "").append(word);
        }
        return all.append(line).toString();
    }

    /** {@code 8m}, {@code 1g}, {@code 1GiB}, {@code 4096}: binary units. */
    static long parseSize(String option, String value) {
        Matcher m = SIZE.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(option + " takes a size such as 512m or 1g (got '" + value + "')");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n > Long.MAX_VALUE >> shift) {
                throw new NumberFormatException("too large");
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " is too large (got '" + value + "')", e);
        }
    }

    private static int parseInt(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number (got '" + value + "')", e);
        }
    }

    private static long parseLong(String option, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number (got '" + value + "')", e);
        }
    }

    /**
     * The work directory: {@code --work}, or {@code /dev/shm/backupkit-bench} when /dev/shm exists and
     * has the room that {@code needed} asks for that directory, else {@code <java.io.tmpdir>/backupkit-bench}.
     */
    Path workDirectory(ToLongFunction<Path> needed) throws IOException {
        if (work != null) {
            return work.toAbsolutePath();
        }
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            Path candidate = shm.resolve("backupkit-bench");
            if (Files.getFileStore(shm).getUsableSpace() >= needed.applyAsLong(candidate)) {
                return candidate;
            }
        }
        return Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().resolve("backupkit-bench");
    }

    /** {@code 1 GiB}, {@code 8 MiB}, {@code 1536 KiB}. */
    static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        double value = bytes;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%d %s", (long) value, units[unit])
                : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
